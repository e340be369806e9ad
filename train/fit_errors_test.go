package train_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func loader(t *testing.T, x, y *tensor.Tensor, batch int) *data.DataLoader {
	t.Helper()
	ds, err := data.NewTensorDataset(x, y)
	if err != nil {
		t.Fatal(err)
	}
	return data.Loader(ds, batch)
}

// TestFitReturnsShapeMismatchAsError runs the README's quick start with targets of shape [N]
// against a model ending in Linear(10, 1): Fit must return an error naming both shapes
// rather than panic inside the loss.
func TestFitReturnsShapeMismatchAsError(t *testing.T) {
	tensor.ManualSeed(1)
	X, y := synth.Circles(200, synth.Noise(0.05), synth.Seed(1))
	model := nn.Sequential(nn.Linear(2, 10), nn.ReLU(), nn.Linear(10, 10), nn.ReLU(), nn.Linear(10, 1))
	cfg := train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: optim.Adam(nn.Parameters(model)),
		Train: loader(t, X, y.Float(), 32), Epochs: 2}
	_, err := train.Fit(context.Background(), cfg)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"train: loss: model output [32 1], target [32]", "epoch 1, step 1", "differ in shape"} {
		if !contains(err.Error(), want) {
			t.Fatalf("error %q does not say %q", err, want)
		}
	}

	// The training data fits but the validation targets don't.
	cfg.Train = loader(t, X, y.Float().Reshape(-1, 1), 32)
	cfg.Val = loader(t, X, y.Float(), 50)
	h, err := train.Fit(context.Background(), cfg)
	if err == nil || !contains(err.Error(), "train: loss: model output [50 1], target [50] (validation step 1)") || len(h.Epochs) != 0 {
		t.Fatalf("validation: error %v after %d epochs", err, len(h.Epochs))
	}

	// Features the model cannot take.
	cfg.Train, cfg.Val = loader(t, tensor.Zeros(40, 3), tensor.Zeros(40, 1), 32), nil
	if _, err := train.Fit(context.Background(), cfg); err == nil || !contains(err.Error(), "train: model: input [32 3] (epoch 1, step 1)") {
		t.Fatalf("wrong feature count: error %v", err)
	}
}
