# Reference results for tisheng.core.growth.multilevel, made with lme4.
#
# Usage (from the repository root, with shared/ beside it):
#   Rscript bench/r/lme4_reference.R ../shared/datasets/jsp728.csv tisheng/core/tests/fixtures/growth_lme4.json
#
# Writes one JSON file with, for each model: the formula, REML flag, fixed effects and their standard errors,
# variance components, theta, the REML/ML criterion, and ranef(condVar = TRUE) (conditional modes and conditional
# variances) for every group.  Each model is fitted twice: with lme4's default optimiser settings ("default") and
# with very tight tolerances ("tight", the optimum to ~1e-10), so tests can tell optimiser noise from error.
# The synthetic three-level data set is generated here (set.seed) and stored in the fixture with the results.
suppressMessages({library(lme4); library(jsonlite)})

args <- commandArgs(trailingOnly = TRUE)
jsp_path <- if (length(args) >= 1) args[[1]] else "../shared/datasets/jsp728.csv"
out_path <- if (length(args) >= 2) args[[2]] else "tisheng/core/tests/fixtures/growth_lme4.json"

tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14, ftol_rel = 1e-15,
                                    maxeval = 100000))

describe_fit <- function(m) {
  vc <- as.data.frame(VarCorr(m))
  re <- ranef(m, condVar = TRUE)
  groups <- list()
  for (g in names(re)) {
    pv <- attr(re[[g]], "postVar")
    groups[[g]] <- list(level = rownames(re[[g]]),
                        condmode = unname(re[[g]][, 1]),
                        condvar = unname(pv[1, 1, ]))
  }
  vcv <- as.matrix(vcov(m))
  list(
    fixef = as.list(fixef(m)),
    fixef_se = as.list(setNames(sqrt(diag(vcv)), names(fixef(m)))),
    sigma2 = sigma(m)^2,
    variances = as.list(setNames(vc$vcov[vc$grp != "Residual"], vc$grp[vc$grp != "Residual"])),
    theta = as.list(getME(m, "theta")),
    criterion = unname(if (isREML(m)) REMLcrit(m) else deviance(m)),
    loglik = as.numeric(logLik(m)),
    optimizer = m@optinfo$optimizer,
    singular = isSingular(m),
    feval = m@optinfo$feval,
    groups = groups
  )
}

fit_both <- function(formula, data, reml) {
  f <- as.formula(formula)
  list(formula = formula, reml = reml, n = nrow(data),
       default = describe_fit(lmer(f, data = data, REML = reml)),
       tight = describe_fit(lmer(f, data = data, REML = reml, control = tight)))
}

jsp <- read.csv(jsp_path, stringsAsFactors = FALSE)
jsp$school <- as.character(jsp$school)

# Synthetic three-level data: schools > classes > pupils, unbalanced, some very small classes.
set.seed(20240607)
n_school <- 12
rows <- list()
for (s in seq_len(n_school)) {
  u_s <- rnorm(1, 0, 3)
  n_class <- sample(2:5, 1)
  for (c in seq_len(n_class)) {
    u_c <- rnorm(1, 0, 2)
    n_i <- sample(c(3, 5, 8, 15, 25, 35), 1)
    x <- round(rnorm(n_i, 70, 12))
    z <- rbinom(n_i, 1, 0.5)
    y <- round(12 + 0.8 * x + 1.5 * z + u_s + u_c + rnorm(n_i, 0, 6), 1)
    rows[[length(rows) + 1]] <- data.frame(school = sprintf("S%02d", s), class = sprintf("S%02dC%d", s, c),
                                           prior = x, girl = z, score = y)
  }
}
syn <- do.call(rbind, rows)

# Near-null data (no school or class effect in the generating model): fits on the boundary (school variance 0,
# lme4 "boundary (singular) fit") with a small class variance inside it.
near_null <- function(seed) {
  set.seed(seed)
  do.call(rbind, lapply(1:8, function(s) do.call(rbind, lapply(1:3, function(c) {
    n <- 15
    x <- round(rnorm(n, 50, 10), 1)
    data.frame(school = sprintf("S%02d", s), class = sprintf("S%02dC%d", s, c), x = x,
               y = round(5 + 0.7 * x + rnorm(n, 0, 5), 2))
  }))))
}
nn2 <- near_null(2)
nn3 <- near_null(3)

out <- list(
  generated_by = "bench/r/lme4_reference.R",
  r_version = R.version.string,
  lme4_version = as.character(packageVersion("lme4")),
  date = format(Sys.Date()),
  jsp728 = list(
    school_reml = fit_both("mathAge11 ~ mathAge8 + (1 | school)", jsp, TRUE),
    school_ml = fit_both("mathAge11 ~ mathAge8 + (1 | school)", jsp, FALSE),
    school_covariates_reml = fit_both("mathAge11 ~ mathAge8 + gender + class + (1 | school)", jsp, TRUE)
  ),
  synthetic3 = list(
    data = syn,
    nested_reml = fit_both("score ~ prior + girl + (1 | school) + (1 | class)", syn, TRUE),
    nested_ml = fit_both("score ~ prior + girl + (1 | school) + (1 | class)", syn, FALSE)
  ),
  boundary = list(
    seed2 = list(data = nn2, nested_reml = fit_both("y ~ x + (1 | school) + (1 | class)", nn2, TRUE)),
    seed3 = list(data = nn3, nested_reml = fit_both("y ~ x + (1 | school) + (1 | class)", nn3, TRUE))
  )
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE, dataframe = "columns"), out_path)
cat("wrote", out_path, "\n")
