// Package decomp implements scikit-learn's matrix decompositions with its parameter names,
// defaults and results: PCA (full or randomized SVD, whitening, a variance fraction),
// TruncatedSVD (randomized or exact), FastICA (parallel or deflation; logcosh, exp or cube)
// and KernelPCA (linear, rbf, poly and sigmoid kernels, dense eigensolver).
//
// Rules shared by every estimator:
//
//   - New* constructors return an estimator with scikit-learn's defaults; fields may be
//     changed before Fit. Fit validates them and returns an error, never panics, for bad
//     settings (more components than allowed, unknown names) and bad input (X not 2-D
//     [samples, features], no samples, NaN or infinite values, data too degenerate to
//     whiten).
//   - X may be float32, float64 or int64; it is copied once to float64 and the arithmetic is
//     float64 throughout (SVD and symmetric eigendecompositions from gonum). The caller's
//     tensor is never modified. Fitted attributes and outputs are float64 tensors.
//   - Signs follow scikit-learn 1.2: singular vectors are flipped as svd_flip does on U
//     (the entry of largest magnitude of each left singular vector is positive), so exact
//     solvers give scikit-learn's numbers, signs included.
//   - Randomness comes only from RandomState, a seed (scikit-learn's default is a fresh
//     random state; here it is seed 0). The same seed gives the same result run after run,
//     but not NumPy's numbers: randomized solvers agree with scikit-learn up to their
//     approximation error, and FastICA replays scikit-learn exactly when given WInit.
//   - Fitted attributes keep scikit-learn's names (Components, ExplainedVariance,
//     ExplainedVarianceRatio, SingularValues, Mean, NoiseVariance, Mixing, Whitening,
//     EigenvaluesLambdas, EigenvectorsAlphas…); Transform and InverseTransform before Fit
//     are errors.
//   - Persistence: MarshalState returns a fitted estimator's settings and scalar attributes
//     as JSON (scikit-learn's names) and its arrays by name (KernelPCA's include the
//     training X, which Transform needs); UnmarshalState restores them into a zero value,
//     checking dtypes, shapes and values (corrupted state is an error), after which every
//     method gives bit-identical results.
package decomp
