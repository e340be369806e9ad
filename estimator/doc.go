// Package estimator gives Ember's classical estimators one shape: the interfaces they share
// (scikit-learn's fit / predict / transform / score), Pipeline (scikit-learn's make_pipeline:
// transforms, then a final estimator) and Save/Load of any fitted estimator or pipeline as one
// file.
//
// Rules:
//
//   - An estimator is a pointer to one of the structs of the estimator packages (cluster,
//     decomp, features, data's scalers, neighbors, linear, svm, ensemble); Kinds lists them.
//     Supervised estimators have Fit(X, y) error, transformers Fit(X) error and Transform.
//   - Save writes a safetensors file: the fitted arrays by name (a pipeline's prefixed with
//     "steps.<i>."), and in the metadata the kind ("svm.SVC", or "pipeline"), the settings and
//     scalar attributes as JSON, and any extra metadata the caller adds. Load rebuilds the
//     estimator from the file alone; the file is untrusted, and every estimator checks what it
//     reads, so a damaged file gives an error, never a panic.
//   - Saving an estimator that is not fitted is an error.
package estimator
