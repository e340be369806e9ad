// Package linear implements scikit-learn's linear models with its parameter names,
// defaults and results: LinearRegression (least squares), Ridge, Lasso and ElasticNet
// (coordinate descent), LogisticRegression (L-BFGS on the binary or multinomial log-loss)
// and KernelRidge.
//
// Rules shared by every estimator:
//
//   - New* constructors return scikit-learn's defaults; fields may be changed before Fit.
//     Fit validates them and returns an error, never panics, for bad settings (negative
//     Alpha, C ≤ 0, L1Ratio outside [0, 1], unknown names) and bad input (X not 2-D
//     [samples, features], no samples, NaN or infinite values in X or y, y of the wrong
//     length, a single class for LogisticRegression).
//   - X may be float32, float64 or int64; the arithmetic is float64 throughout. Fitted
//     coefficients and predictions are float64 tensors, class labels int64 tensors.
//   - With FitIntercept, X and y are centred on their means and the intercept is
//     ȳ − x̄·coef (LogisticRegression fits its intercept as a free, unpenalised parameter).
//     Without it the intercept is zero.
//   - Regressors take y [samples] or, except Lasso and ElasticNet, [samples, targets]; Coef
//     is then [features] or [targets, features] and Predict is shaped like y. Score is R²
//     (averaged over targets), the classifier's Score the accuracy.
//   - Class labels are integers (int64 or integer-valued floats); Classes are the sorted
//     distinct labels.
//   - Fitted attributes keep scikit-learn's names (Coef, Intercept, DualCoef, Classes,
//     NIter, DualGap, Rank, NFeaturesIn). Predict, Score, PredictProba and
//     DecisionFunction return an error before Fit, for X with NaN or infinite values, and
//     for X whose feature count differs from Fit's.
//   - Persistence: MarshalState returns the settings and scalar fitted attributes as JSON
//     (scikit-learn's names) and the fitted arrays: "coef" [targets or classes, features]
//     and "intercept", plus LogisticRegression's int64 "classes", or KernelRidge's "x_fit"
//     and "dual_coef". UnmarshalState checks the settings as Fit does and every array's
//     dtype, shape and values (finite; strictly increasing classes; one coef row for two
//     classes), so a corrupted state is an error, and the restored estimator predicts bit
//     for bit like the original.
package linear
