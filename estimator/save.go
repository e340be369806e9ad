package estimator

import (
	"fmt"
	"slices"

	"github.com/ember-ml/ember/serialize"
)

// Metadata keys of estimator files.
const (
	MetaKind   = "ember.estimator"        // the kind name, e.g. "svm.SVC" or "pipeline"
	MetaParams = "ember.estimator.params" // the estimator's settings and scalar attributes, JSON
)

// Save writes a fitted estimator or pipeline to path (atomically; the folder must exist), with
// extra metadata added as given (keys must not start with "ember.estimator").
func Save(path string, est any, extra map[string]string) error {
	st, kind, err := stateful(est)
	if err != nil {
		return err
	}
	params, arrays, err := st.MarshalState()
	if err != nil {
		return err
	}
	meta := map[string]string{MetaKind: kind, MetaParams: string(params)}
	for k, v := range extra {
		if k == MetaKind || k == MetaParams {
			return fmt.Errorf("estimator: metadata key %q is reserved", k)
		}
		meta[k] = v
	}
	names := make([]string, 0, len(arrays))
	for k := range arrays {
		names = append(names, k)
	}
	slices.Sort(names)
	return serialize.WriteSafetensors(path, arrays, names, meta)
}

// Load reads an estimator or pipeline written by Save, returning it and the file's metadata.
func Load(path string) (any, map[string]string, error) {
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		return nil, nil, err
	}
	est, err := FromFile(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return est, f.Metadata, nil
}

// FromFile rebuilds the estimator stored in a decoded safetensors file.
func FromFile(f *serialize.File) (any, error) {
	kind, ok := f.Metadata[MetaKind]
	if !ok {
		return nil, fmt.Errorf("not an estimator file: no %q metadata", MetaKind)
	}
	e, err := New(kind)
	if err != nil {
		return nil, err
	}
	if err := e.UnmarshalState([]byte(f.Metadata[MetaParams]), f.Tensors); err != nil {
		return nil, err
	}
	return e, nil
}
