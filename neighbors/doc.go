// Package neighbors implements scikit-learn's k-nearest-neighbour estimators with its
// parameter names, defaults and results: KNeighborsClassifier and KNeighborsRegressor, with
// KNeighbors queries answered by brute force or a k-d tree.
//
// Rules shared by both estimators:
//
//   - New* constructors return scikit-learn's defaults (5 neighbours, uniform weights,
//     algorithm "auto", leaf size 30, Minkowski metric with P 2); fields may be changed
//     before Fit. Fit validates them and returns an error, never panics, for bad settings
//     (NNeighbors ≤ 0 or larger than the training set — scikit-learn's "Expected
//     n_neighbors <= n_samples_fit" —, unknown names, P < 1, "kd_tree" with the cosine
//     metric) and bad input (X not 2-D, no samples, NaN or infinite values in X or y, y of
//     the wrong length). Predict, PredictProba, Score and KNeighbors re-check what they use
//     (k, NNeighbors, Weights, the feature count, finite queries) and return an error before
//     Fit.
//   - X may be float32, float64 or int64. Distances are float64 tensors, neighbour indices
//     and class labels int64 tensors, and every returned distance is computed exactly in
//     float64 from the stored values.
//   - Metrics: "euclidean", "manhattan", "minkowski" (Σ|a−b|^P)^(1/P) with P ≥ 1 (P 1 and 2
//     are manhattan and euclidean, as scikit-learn's effective metric), and "cosine"
//     1 − a·b/(‖a‖‖b‖) (a zero vector is at distance 1 from everything).
//   - Neighbours come sorted by distance, ties broken by training index (the smaller index
//     first), whatever the algorithm: "brute" and "kd_tree" give the same neighbours.
//   - Algorithm "auto" follows scikit-learn 1.2's rule without its ball tree: brute force
//     when there are more than 15 features, when NNeighbors ≥ samples/2 or for the cosine
//     metric, else the k-d tree.
//   - Euclidean brute force ranks training rows by the score ‖x‖² − 2q·x through Ember's
//     CPU GEMM on augmented rows (x, ‖x‖²) and (−2q, 1), in float32 when Fit saw float32 X
//     (as scikit-learn keeps float32) and float64 otherwise. float32 runs by panels: 512
//     training rows × 32 queries per product (the GEMM's unpacked AVX-512 kernel), each
//     score row compared with the 32 queries' thresholds by an AVX2 scan; float64 (or
//     float32 without AVX-512) by blocks of 384 queries × 1,024 training rows. Right after
//     each product, a bounded heap per query keeps its k+16 best scores. Their distances are
//     then recomputed exactly in float64, and a bound on the product's rounding error proves
//     that no other row is nearer; when it cannot (exact ties, near-duplicates) the query is
//     answered by an exact float64 scan. Groups of queries run in parallel on cpu.Threads()
//     goroutines (GOMAXPROCS unless set), each product on one of them; results do not
//     depend on the thread count.
//   - Weights "uniform" count each neighbour once; "distance" weighs it by 1/distance, and
//     a query with neighbours at distance 0 uses those neighbours only, equally weighted.
//   - Class labels are integers (int64 or integer-valued floats); Classes are the sorted
//     distinct labels and a tie in votes goes to the smallest class.
//   - Fitted attributes keep scikit-learn's names (Classes, NFeaturesIn, NSamplesFit,
//     FitMethod, EffectiveMetric).
//   - Persistence: MarshalState returns the settings as JSON (scikit-learn's names) and the
//     training data as arrays ("fit_x" in the dtype Fit used, float32 or float64; "y";
//     the classifier's "classes"); UnmarshalState checks them as Fit does (and every class
//     index) and rebuilds the index, so the restored estimator answers bit for bit alike.
package neighbors
