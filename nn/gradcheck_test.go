package nn_test

import (
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// The ops nn defines with tensor.Attach get the same float64 finite-difference checks as the
// tensor package's ops.
func TestAttachedOpsGradCheck(t *testing.T) {
	g := tensor.NewGenerator(3)
	logits := tensor.Randn(g, 7).Double()
	targets := tensor.FromSlice([]float64{0, 1, 1, 0, 1, 0, 1})
	probs := tensor.Uniform(g, 0.1, 0.9, 7).Double()
	emb := nn.Embedding(5, 3, -1, nn.WithDType(tensor.Float64)) // padding rows get no gradient by design
	idx := tensor.FromSlice([]int64{2, 0, 4, 2, 1})
	checks := map[string]func(x []*tensor.Tensor) *tensor.Tensor{
		"BinaryCrossEntropyWithLogitsBackward0": func(x []*tensor.Tensor) *tensor.Tensor { return nn.BCEWithLogitsLoss()(x[0], targets) },
		"BinaryCrossEntropyBackward0":           func(x []*tensor.Tensor) *tensor.Tensor { return nn.BCELoss()(x[0], targets) },
		"EmbeddingBackward0": func(x []*tensor.Tensor) *tensor.Tensor {
			emb.Weight = x[0]
			return emb.Forward(idx)
		},
	}
	inputs := map[string]*tensor.Tensor{
		"BinaryCrossEntropyWithLogitsBackward0": logits,
		"BinaryCrossEntropyBackward0":           probs,
		"EmbeddingBackward0":                    tensor.Randn(g, 5, 3).Double(),
	}
	for name, f := range checks {
		if err := tensortest.GradCheck(f, inputs[name]); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The fused BCE-with-logits path must be the one checked.
	if out := nn.BCEWithLogitsLoss()(logits.Detach().SetRequiresGrad(true), targets); out.GradFn() != "BinaryCrossEntropyWithLogitsBackward0" {
		t.Fatalf("grad_fn %q", out.GradFn())
	}
}
