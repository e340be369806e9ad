// Package neighbors implements scikit-learn's k-nearest-neighbour estimators with its
// parameter names, defaults and results: KNeighborsClassifier and KNeighborsRegressor, with
// KNeighbors queries answered by brute force or a k-d tree.
//
// Rules shared by both estimators:
//
//   - New* constructors return scikit-learn's defaults (5 neighbours, uniform weights,
//     algorithm "auto", leaf size 30, Minkowski metric with P 2); fields may be changed
//     before Fit. Fit validates them and returns an error, never panics, for bad settings
//     (NNeighbors ≤ 0 or larger than the training set, unknown names, P < 1, "kd_tree" with
//     the cosine metric) and bad input (X not 2-D, no samples, NaN or infinite values, y of
//     the wrong length).
//   - X may be float32, float64 or int64; the arithmetic is float64 throughout. Distances
//     are float64 tensors, neighbour indices and class labels int64 tensors.
//   - Metrics: "euclidean", "manhattan", "minkowski" (Σ|a−b|^P)^(1/P) with P ≥ 1 (P 1 and 2
//     are manhattan and euclidean, as scikit-learn's effective metric), and "cosine"
//     1 − a·b/(‖a‖‖b‖) (a zero vector is at distance 1 from everything).
//   - Neighbours come sorted by distance, ties broken by training index (the smaller index
//     first), whatever the algorithm: "brute" and "kd_tree" give the same neighbours.
//   - Algorithm "auto" follows scikit-learn 1.2's rule without its ball tree: brute force
//     when there are more than 15 features, when NNeighbors ≥ samples/2 or for the cosine
//     metric, else the k-d tree.
//   - Brute-force euclidean distances rank candidates with ‖x‖² − 2x·y + ‖y‖² (one matrix
//     product per chunk of query rows, so memory stays bounded), then recompute the k chosen
//     distances exactly.
//   - Weights "uniform" count each neighbour once; "distance" weighs it by 1/distance, and
//     a query with neighbours at distance 0 uses those neighbours only, equally weighted.
//   - Class labels are integers (int64 or integer-valued floats); Classes are the sorted
//     distinct labels and a tie in votes goes to the smallest class.
//   - Fitted attributes keep scikit-learn's names (Classes, NFeaturesIn, NSamplesFit,
//     FitMethod, EffectiveMetric); Predict and KNeighbors before Fit are errors.
package neighbors
