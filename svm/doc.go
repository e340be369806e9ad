// Package svm implements scikit-learn's SVC (libsvm's C-support vector classifier) with its
// parameter names, defaults and fitted attributes.
//
// Rules:
//
//   - NewSVC returns scikit-learn's defaults; fields may be changed before Fit. Fit returns
//     an error, never panics, for bad settings (C ≤ 0, unknown kernel or gamma, Tol ≤ 0) and
//     bad input (X not 2-D, NaN or infinite values, y of the wrong length, one class only).
//   - The dual is solved by SMO with libsvm's second-order working-set selection (Fan, Chen &
//     Lin 2005), libsvm's stopping rule (m(α) − M(α) < Tol) and libsvm's bias. Shrinking is
//     not implemented; it changes only speed, not the solution within Tol. Kernel rows are
//     cached up to CacheSize MB and the cache is emptied when full (not libsvm's LRU).
//   - Multi-class is one-vs-one with libsvm's voting; DecisionFunction returns scikit-learn's
//     "ovr" shape ([samples, classes] votes plus scaled confidences) for more than two classes
//     and [samples] for two. Fitted attributes (SupportVectors, Support, NSupport, DualCoef,
//     Intercept, Classes) follow scikit-learn's layout and signs.
//   - Arithmetic is float64; class labels are integers, returned as int64.
package svm
