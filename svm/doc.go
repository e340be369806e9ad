// Package svm implements scikit-learn's support vector machines with its parameter names,
// defaults and fitted attributes: SVC (libsvm's C-support vector classifier), SVR
// (libsvm's epsilon-support vector regression) and LinearSVC (liblinear's linear SVM).
//
// Rules:
//
//   - New* constructors return scikit-learn's defaults; fields may be changed before Fit.
//     Fit returns an error, never panics, for bad settings (C ≤ 0, Epsilon < 0, Tol ≤ 0,
//     unknown kernel, gamma or loss) and bad input (X not 2-D, NaN or infinite values, y of
//     the wrong length, one class only, non-integer class labels). Predict, Score and the
//     other methods return an error before Fit or when X has a different feature count.
//   - SVC and SVR solve libsvm's dual with libsvm's Solver: SMO with second-order
//     working-set selection (Fan, Chen & Lin 2005), the stopping rule m(α) − M(α) < Tol,
//     shrinking with un-shrinking and gradient reconstruction before the final check
//     (Shrinking, default true; it changes speed, not the solution beyond Tol), and an LRU
//     cache of float32 kernel rows of CacheSize MB. SVR solves the 2·samples-variable
//     epsilon-SVR problem. Kernels are "rbf" exp(−γ‖a−b‖²), "linear" a·b, "poly"
//     (γa·b+Coef0)^Degree and "sigmoid" tanh(γa·b+Coef0); Gamma "scale" is
//     1/(features·Var(X)), "auto" 1/features.
//   - SVC is one-vs-one with libsvm's voting; DecisionFunction returns scikit-learn's "ovr"
//     shape ([samples, classes] votes plus scaled confidences) for more than two classes
//     and [samples] for two. Fitted attributes (SupportVectors, Support, NSupport,
//     DualCoef, Intercept, Classes, ProbA, ProbB) follow scikit-learn's layout and signs.
//   - SVC.Probability fits Platt scaling as libsvm does: decision values from an internal
//     5-fold cross-validation, Platt's sigmoid fitted by Lin, Lin & Weng's Newton method,
//     pairwise coupling (Wu, Lin & Weng's method 2) for more than two classes. Predict
//     still votes, so it can disagree with the largest PredictProba, as in scikit-learn.
//   - LinearSVC is liblinear's dual coordinate descent (Hsieh et al. 2008) for the
//     squared hinge (default) or hinge loss with an L2 penalty, one-vs-rest for more than
//     two classes. With FitIntercept a constant feature InterceptScaling is appended and
//     its weight is regularised like the others, as in liblinear.
//   - Arithmetic is float64 (kernel rows are cached as float32, as libsvm does); class
//     labels are integers, returned as int64.
//   - MarshalState and UnmarshalState save and restore a fitted estimator (settings as
//     JSON, arrays under scikit-learn's names); UnmarshalState checks untrusted input.
//
// Differences from scikit-learn:
//
//   - libsvm's and liblinear's random number generators are not reproduced: the
//     cross-validation folds of Probability and LinearSVC's coordinate order come from
//     RandomState through math/rand/v2, so ProbA/ProbB and LinearSVC's coefficients agree
//     with scikit-learn's only as far as the folds and Tol allow (exactly at convergence
//     for LinearSVC).
//   - Kernel values use a table-and-polynomial exp accurate to 1e-13 relative (training
//     rows are then rounded to float32, as libsvm's are). With GOMAXPROCS > 1, large
//     predictions are split over two goroutines; results do not depend on it.
//   - The cache charges every cached row at full length, so a cache of a given CacheSize
//     holds somewhat fewer rows than libsvm's while shrinking is active.
//   - LinearSVC supports only penalty "l2" with the dual solver; SVC has no class_weight,
//     and "precomputed" kernels are not offered.
package svm
