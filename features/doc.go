// Package features implements scikit-learn's feature constructors and preprocessing
// transformers with its parameter names, defaults and results: PolynomialFeatures, an
// exact RBF kernel map against fixed centres (RBF) and its random Fourier approximation
// (RBFSampler), OneHotEncoder, LabelEncoder and SimpleImputer.
//
// Rules shared by every transformer:
//
//   - New* constructors return a transformer with scikit-learn's defaults; fields may be
//     changed before Fit. Fit validates them and returns an error, never panics, for bad
//     settings (unknown strategies or options, degrees that give no column) and bad input
//     (X not 2-D [samples, features], no samples, infinities, NaN except where it means
//     "missing" for SimpleImputer or propagates through PolynomialFeatures).
//   - X may be float32, float64 or int64; it is copied once to float64 and never modified.
//     Outputs are dense float64 tensors (scikit-learn's sparse_output=False), codes int64.
//   - Column order and feature names are scikit-learn's: GetFeatureNamesOut(nil) names the
//     inputs x0, x1, … ("x0^2", "x0 x1", "x1_3", …).
//   - Randomness (RBFSampler) comes only from RandomState, a seed: the same seed gives the
//     same features run after run, but not NumPy's numbers.
//   - Transform before Fit, or with another number of features than Fit saw, is an error.
//   - Persistence: MarshalState returns a fitted transformer's settings and scalar attributes
//     as JSON (scikit-learn's names) and its arrays by name; UnmarshalState restores them
//     into a zero value, checking dtypes, shapes, values and indices (corrupted state is an
//     error), after which Transform gives bit-identical results. RBF keeps its Centers and
//     Gamma; LabelEncoder keeps its Classes in the JSON.
package features
