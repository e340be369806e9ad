// Package ensemble implements scikit-learn's decision trees and tree ensembles with its
// parameter names, defaults and results: DecisionTreeClassifier and DecisionTreeRegressor
// (best splitter, grown depth first), RandomForestClassifier and RandomForestRegressor
// (bootstrap samples, random features per split, out-of-bag scores, trees built on
// goroutines) and HistGradientBoostingClassifier and HistGradientBoostingRegressor (binned
// features, histogram subtraction, best-first trees, missing values, early stopping).
//
// Rules shared by every estimator:
//
//   - New* constructors return an estimator with scikit-learn 1.2's defaults; fields may be
//     changed before Fit. Fit validates them and returns an error, never panics, for bad
//     settings (unknown names, counts out of range) and bad input (X not 2-D
//     [samples, features], no samples, y not 1-D or of another length, infinite values, a
//     single class). Trees and forests reject NaN in X; HistGradientBoosting accepts it as a
//     missing value, in Fit and Predict.
//   - X may be float32, float64 or int64. Trees and forests round it to float32, in Fit
//     and Predict, as scikit-learn does (values beyond float32's range are errors), and
//     compute thresholds, impurities and leaf values in float64; boosting keeps X and its
//     gradients in float64 (scikit-learn keeps gradients in float32). Class labels y may be
//     int64 or float; Classes and Predict keep int64 labels as int64 and return others as
//     float64. Probabilities, regression predictions and importances are float64 tensors.
//   - MaxFeatures, the number of features tried per split, is a string holding one of
//     scikit-learn's values: "" (all features; None), "sqrt" or "log2" (⌊√d⌋ or ⌊log₂ d⌋, at
//     least 1), an integer such as "3" (a count in [1, d]) or a number with a decimal point
//     such as "0.5" or "1.0" (that fraction of d, at least 1), keeping scikit-learn's
//     distinction between int and float.
//   - MaxDepth 0 means unlimited (scikit-learn's None). Single-output only; no sample
//     weights, class weights, categorical features or monotonic constraints.
//   - Randomness comes only from RandomState, a seed (scikit-learn's default is a fresh
//     random state; here it is seed 0). The same seed gives the same model run after run,
//     and a forest does not depend on NJobs (tree i draws from a source seeded by RandomState
//     and i), but the numbers are not NumPy's: forests and early-stopped boosting match
//     scikit-learn statistically, deterministic trees exactly.
//   - Fitted attributes keep scikit-learn's names (Classes, FeatureImportances, NIter,
//     NFeaturesIn…); oob_score_ is OOBScoreValue, since OOBScore is the setting. Predict,
//     PredictProba and Score before Fit are errors, as is X with another number of features.
//   - Score is the accuracy for classifiers and R² (scikit-learn's r2_score) for regressors.
//   - MarshalState returns a fitted estimator's settings and scalar attributes as JSON and
//     its arrays by name (classes, trees concatenated node by node with an offsets array,
//     baselines, out-of-bag values); UnmarshalState restores it into a zero or New… value,
//     checking the settings as Fit does and every array (dtype, shape, finite values,
//     children pointing forward within their tree, features below NFeaturesIn), so that a
//     corrupted state is an error rather than a panic or endless loop in Predict. A restored
//     estimator predicts bit for bit as the original.
//
// Speed: a tree sorts each node's samples once per candidate feature, as scikit-learn's
// best splitter does, by a radix sort of packed (float32 value, sample) keys, on a
// float32 column-major copy of X shared by the trees of a forest; bootstrap samples are
// sample weights (counts); a forest's trees grow on NJobs goroutines. Boosting builds
// histograms of uint8 bins stored feature by feature (two features per pass over a node's
// samples), from gradients gathered in node order, and derives the larger child's
// histogram by subtraction; the histograms and partitions of large nodes, bin thresholds,
// binning and gradients run on GOMAXPROCS goroutines, with the same results for any
// number.
package ensemble
