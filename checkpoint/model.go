package checkpoint

import (
	"fmt"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/serialize"
	"github.com/ember-ml/ember/tensor"
)

// Metadata keys Ember writes into safetensors files.
const (
	MetaFormat       = "format"             // "pt" for PyTorch compatibility, as Hugging Face writes
	MetaArchitecture = "ember.architecture" // nn.MarshalSpec of the model, when it has one
)

// SaveModel writes m's state dict (PyTorch's names, e.g. "0.weight") to a safetensors file,
// with the architecture in the metadata when m is built from standard layers, so LoadModel
// can rebuild it. extra metadata is added as given.
func SaveModel(path string, m any, extra map[string]string) error {
	meta := map[string]string{MetaFormat: "pt"}
	if spec, err := nn.MarshalSpec(m); err == nil {
		meta[MetaArchitecture] = spec
	}
	for k, v := range extra {
		meta[k] = v
	}
	tensors := map[string]*tensor.Tensor{}
	var names []string
	for _, e := range nn.NamedTensors(m) {
		tensors[e.Name] = e.Tensor
		names = append(names, e.Name)
	}
	return serialize.WriteSafetensors(path, tensors, names, meta)
}

// LoadInto reads a safetensors state dict into m by name; every entry must match in name and
// shape (the error names the entry and both shapes).
func LoadInto(path string, m any) (*serialize.File, error) {
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		return nil, err
	}
	if err := nn.LoadStateDict(m, f.Tensors, true); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// LoadModel rebuilds a model from the architecture stored in a file's metadata and loads its
// weights, without the code that built it.
func LoadModel(path string) (nn.Module, *serialize.File, error) {
	f, err := serialize.ReadSafetensors(path)
	if err != nil {
		return nil, nil, err
	}
	spec, ok := f.Metadata[MetaArchitecture]
	if !ok {
		return nil, nil, fmt.Errorf("%s: no %q metadata: the model was not built from standard layers; rebuild it in code and use LoadInto", path, MetaArchitecture)
	}
	m, err := nn.UnmarshalSpec(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := nn.LoadStateDict(m, f.Tensors, true); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, f, nil
}
