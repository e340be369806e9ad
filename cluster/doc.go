// Package cluster implements scikit-learn's clustering estimators with its parameter names,
// defaults and results: KMeans (Lloyd or Elkan, k-means++ or random initialisation),
// MiniBatchKMeans, DBSCAN, AgglomerativeClustering (ward, complete, average, single),
// SpectralClustering (rbf or k-nearest-neighbour affinity; dense, O(samples²) memory),
// MeanShift (flat kernel, with EstimateBandwidth) and GaussianMixture (full, tied, diag or
// spherical covariances, fitted by EM).
//
// Rules shared by every estimator:
//
//   - New* constructors return an estimator with scikit-learn's defaults; fields may be
//     changed before Fit. Fit validates them and returns an error, never panics, for bad
//     settings (a number of clusters ≤ 0, more clusters than samples, unknown names) and bad
//     input (X not 2-D [samples, features], no samples, NaN or infinite values).
//   - X may be float32, float64 or int64; the arithmetic is float64 throughout. Fitted centres
//     and distances are float64 tensors, labels int64 tensors [samples].
//   - Randomness comes only from RandomState, a seed (scikit-learn's default is a fresh random
//     state; here it is seed 0). The same seed gives the same result run after run, but not
//     NumPy's numbers: compare random initialisations statistically, or pass InitCenters.
//   - Fitted attributes keep scikit-learn's names (ClusterCenters, Labels, Inertia, NIter,
//     CoreSampleIndices, NLeaves…); Predict and Transform before Fit are errors.
//   - Persistence: MarshalState returns a fitted estimator's settings and scalar attributes
//     as JSON (scikit-learn's names) and its arrays by name; UnmarshalState restores them
//     into a zero value, checking dtypes, shapes and indices (corrupted state is an error),
//     after which every method gives bit-identical results.
package cluster
