# Reference student growth percentiles made with quantreg::rq, following the SGP package's conventions
# (Betebenner 2009; R package SGP, studentGrowthPercentiles):
#   taus = (1:100 - 0.5)/100; model: score ~ bs(prior_1, knots, Boundary.knots) + bs(prior_2, ...) + ...
#   knots = round(quantile(prior, c(.2, .4, .6, .8)), 3) (type 7); boundaries = round(extendrange(prior, f = .1), 3)
#   predictions sorted per student (isotonised) and rounded to 5 digits;
#   SGP = #{tau : prediction < score}, 0 -> 1 and 100 -> 99.
#
# Usage (from the repository root):
#   Rscript bench/r/sgp_reference.R run INPUT.csv OUTPUT.json [br|fn]
#       INPUT.csv has columns ID, score, prior_1[, prior_2, ...]; OUTPUT.json gets ID, SGP, knots, boundaries,
#       the time rq took (wall and CPU), and the coefficient matrix.
#   Rscript bench/r/sgp_reference.R fixture ../shared/datasets/SGPdata_sgpData_wide.csv tisheng/core/tests/fixtures/growth_sgp.json
#       the test fixture: two grade transitions of the SGPdata set (grade 4 2023 -> grade 5 2024 with one prior;
#       grade 3 2022 -> 4 2023 -> 5 2024 with two priors), students in ascending ID order.
suppressMessages({library(quantreg); library(splines); library(jsonlite)})

taus <- (1:100 - 0.5) / 100

sgp_reference <- function(d, method = "br") {
  prior_cols <- grep("^prior_", names(d), value = TRUE)
  knots <- lapply(prior_cols, function(p) round(as.vector(quantile(d[[p]], probs = c(.2, .4, .6, .8))), 3))
  bounds <- lapply(prior_cols, function(p) round(as.vector(extendrange(d[[p]], f = 0.1)), 3))
  names(knots) <- names(bounds) <- prior_cols
  basis <- do.call(cbind, lapply(prior_cols, function(p)
    bs(d[[p]], knots = knots[[p]], Boundary.knots = bounds[[p]])))
  X <- cbind(1, basis)
  t0 <- proc.time()
  fit <- suppressWarnings(rq(d$score ~ basis, tau = taus, method = method))
  el <- proc.time() - t0
  coef <- fit$coefficients
  pred <- X %*% coef
  pred <- round(t(apply(pred, 1, sort)), 5)
  sgp <- rowSums(pred < d$score)
  sgp[sgp == 0] <- 1L
  sgp[sgp == 100] <- 99L
  list(ID = d$ID, SGP = as.integer(sgp), knots = knots, boundaries = bounds, method = method,
       rq_seconds = el[["elapsed"]], rq_cpu_seconds = el[["user.self"]] + el[["sys.self"]],
       coefficients = unname(coef))
}

args <- commandArgs(trailingOnly = TRUE)
mode <- args[[1]]
if (mode == "run") {
  d <- read.csv(args[[2]])
  method <- if (length(args) >= 4) args[[4]] else "br"
  res <- sgp_reference(d, method)
  writeLines(toJSON(res, auto_unbox = TRUE, digits = NA), args[[3]])
} else if (mode == "fixture") {
  w <- read.csv(args[[2]])
  w <- w[order(w$ID), ]
  one <- w[!is.na(w$SS_2023) & !is.na(w$SS_2024) & !is.na(w$GRADE_2023) & !is.na(w$GRADE_2024) &
             w$GRADE_2023 == 4 & w$GRADE_2024 == 5, ]
  one <- data.frame(ID = one$ID, score = one$SS_2024, prior_1 = one$SS_2023)
  two <- w[!is.na(w$SS_2022) & !is.na(w$SS_2023) & !is.na(w$SS_2024) & !is.na(w$GRADE_2022) &
             !is.na(w$GRADE_2023) & !is.na(w$GRADE_2024) &
             w$GRADE_2022 == 3 & w$GRADE_2023 == 4 & w$GRADE_2024 == 5, ]
  two <- data.frame(ID = two$ID, score = two$SS_2024, prior_1 = two$SS_2022, prior_2 = two$SS_2023)
  summarise <- function(d, what) {
    r <- sgp_reference(d, "br")
    list(selection = what, n = nrow(d), id_sum = sum(as.numeric(d$ID)), method = "br",
         knots = r$knots, boundaries = r$boundaries, SGP = r$SGP, rq_seconds = r$rq_seconds)
  }
  out <- list(
    generated_by = "bench/r/sgp_reference.R fixture",
    r_version = R.version.string,
    quantreg_version = as.character(packageVersion("quantreg")),
    date = format(Sys.Date()),
    data = "SGPdata_sgpData_wide.csv (R package SGPdata, GPL-3), rows in ascending ID",
    one_prior = summarise(one, "GRADE_2023 == 4 & GRADE_2024 == 5; score SS_2024; prior_1 SS_2023"),
    two_priors = summarise(two, "GRADE_2022 == 3 & GRADE_2023 == 4 & GRADE_2024 == 5; score SS_2024; prior_1 SS_2022, prior_2 SS_2023")
  )
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), args[[3]])
  cat("wrote", args[[3]], "\n")
} else stop("mode must be run or fixture")
