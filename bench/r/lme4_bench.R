# lme4 side of bench/value_added.py: fit the three-level model on the benchmark data and time it.
#
# Usage: Rscript bench/r/lme4_bench.R INPUT.csv OUTPUT.json [repeats]
#   INPUT.csv: columns school, class, prior, girl, score (class labels unique across schools).
#   OUTPUT.json: seconds (wall and CPU) of each lmer() + ranef() call (data already in memory), and the estimates: fixed effects,
#   variances, ranef(condVar = TRUE) for class and school; and under "tight" the same from a fit with very
#   tight optimiser tolerances (not timed).
suppressMessages({library(lme4); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[[1]], stringsAsFactors = FALSE)
repeats <- if (length(args) >= 3) as.integer(args[[3]]) else 3L
d$school <- factor(d$school)
d$class <- factor(d$class)
f <- score ~ prior + girl + (1 | school) + (1 | class)
secs <- cpu <- numeric(repeats)
for (i in seq_len(repeats)) {
  t0 <- proc.time()
  m <- lmer(f, data = d, REML = TRUE)
  re <- ranef(m, condVar = TRUE)
  el <- proc.time() - t0
  secs[i] <- el[["elapsed"]]
  cpu[i] <- el[["user.self"]] + el[["sys.self"]]
}
estimates <- function(m) {
  re <- ranef(m, condVar = TRUE)
  vc <- as.data.frame(VarCorr(m))
  grp <- function(g) list(level = rownames(re[[g]]), condmode = unname(re[[g]][, 1]),
                          condvar = unname(attr(re[[g]], "postVar")[1, 1, ]))
  list(fixef = as.list(fixef(m)), sigma2 = sigma(m)^2,
       variances = as.list(setNames(vc$vcov[vc$grp != "Residual"], vc$grp[vc$grp != "Residual"])),
       criterion = REMLcrit(m), theta = as.list(getME(m, "theta")),
       school = grp("school"), class = grp("class"))
}
# The same model converged to ~1e-10 (not timed): tells optimiser tolerance apart from disagreement.
tight <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-14, ftol_abs = 1e-15, xtol_rel = 1e-14, ftol_rel = 1e-15,
                                    maxeval = 100000))
m_tight <- lmer(f, data = d, REML = TRUE, control = tight)
out <- c(list(seconds = I(secs), cpu_seconds = I(cpu), lme4_version = as.character(packageVersion("lme4")), r_version = R.version.string),
         estimates(m), list(tight = estimates(m_tight)))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), args[[2]])
