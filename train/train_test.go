package train_test

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

func circlesSetup(t *testing.T) (nn.Module, *data.DataLoader, *data.DataLoader) {
	tensor.ManualSeed(1)
	X, y := synth.Circles(400, synth.Noise(0.03), synth.Seed(1))
	tr, te, err := data.TrainTestSplit(X, y.Float(), 0.25, 1)
	if err != nil {
		t.Fatal(err)
	}
	model := nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1), nn.FlattenDims(0, -1))
	return model, data.Loader(tr, 32, data.Shuffle(1)), data.Loader(te, 100)
}

func TestFitLearnsAndRecordsHistory(t *testing.T) {
	model, trl, val := circlesSetup(t)
	opt := optim.Adam(nn.Parameters(model), optim.LR(0.02))
	var out bytes.Buffer
	steps := 0
	h, err := train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Val: val, Epochs: 40,
		Scheduler: lr.CosineAnnealingLR(opt, 40, 0),
		Metrics:   []train.Metric{train.BinaryAccuracy(0)},
		Progress:  &out,
		OnStep:    func(train.Step) error { steps++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 40 || steps != 40*trl.Len() {
		t.Fatalf("%d epochs, %d steps", len(h.Epochs), steps)
	}
	last := h.Epochs[39]
	if last.Metrics["val_accuracy"] < 0.98 || last.TrainLoss > h.Epochs[0].TrainLoss/5 {
		t.Fatalf("did not learn: first %+v last %+v", h.Epochs[0], last)
	}
	if lines := strings.Count(out.String(), "\n"); lines != 40 || !strings.Contains(out.String(), "val_acc") {
		t.Fatalf("progress output (not a terminal) should be one line per epoch:\n%s", out.String())
	}
	if h.Epochs[1].LR >= h.Epochs[0].LR {
		t.Fatal("the scheduler did not lower the learning rate")
	}
}

func TestEarlyStoppingRestoresBest(t *testing.T) {
	model, trl, val := circlesSetup(t)
	opt := optim.SGD(nn.Parameters(model), optim.LR(0.5), optim.Momentum(0.9))
	h, err := train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Val: val, Epochs: 200,
		EarlyStopping: &train.EarlyStopping{Patience: 3, RestoreBest: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !h.StoppedEarly || len(h.Epochs) >= 200 || h.BestEpoch != len(h.Epochs)-3 {
		t.Fatalf("stopped early %v after %d epochs, best %d", h.StoppedEarly, len(h.Epochs), h.BestEpoch)
	}
	got, _ := train.Evaluate(model, nn.BCEWithLogitsLoss(), val, nil)
	want := h.Epochs[h.BestEpoch-1].ValLoss
	if math.Abs(got-want) > 1e-6 {
		t.Fatalf("restored model has val loss %v, best epoch had %v", got, want)
	}
}

func TestFitStopsOnNonFiniteLoss(t *testing.T) {
	model, trl, _ := circlesSetup(t)
	opt := optim.SGD(nn.Parameters(model), optim.LR(1e30))
	_, err := train.Fit(context.Background(), train.Config{Model: model, Loss: nn.MSELoss(), Optimizer: opt, Train: trl, Epochs: 5})
	if !errors.Is(err, train.ErrNonFinite) || !strings.Contains(err.Error(), "epoch 1, step") {
		t.Fatalf("error %v, want a non-finite loss error naming epoch and step", err)
	}
}

func TestFitHonoursCancellationAndHooks(t *testing.T) {
	model, trl, _ := circlesSetup(t)
	opt := optim.Adam(nn.Parameters(model))
	ctx, cancel := context.WithCancel(context.Background())
	h, err := train.Fit(ctx, train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Epochs: 10,
		OnEpoch: func(e train.Epoch) error {
			if e.Epoch == 2 {
				cancel()
			}
			return nil
		}})
	if !errors.Is(err, context.Canceled) || len(h.Epochs) != 2 {
		t.Fatalf("err %v after %d epochs", err, len(h.Epochs))
	}
	boom := errors.New("boom")
	_, err = train.Fit(context.Background(), train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Epochs: 3,
		OnStep: func(train.Step) error { return boom }})
	if !errors.Is(err, boom) {
		t.Fatalf("hook error %v", err)
	}
	if _, err := train.Fit(context.Background(), train.Config{}); err == nil {
		t.Fatal("empty config accepted")
	}
}

// TestCheckpointResumeMatchesUninterruptedRun runs Fit for 6 epochs, and again for 3 epochs
// plus a resumed run to 6: the weights and history must agree exactly.
func TestCheckpointResumeMatchesUninterruptedRun(t *testing.T) {
	t.Run("StepLR", func(t *testing.T) {
		checkResume(t, func() train.Config {
			model, trl, val := circlesSetup(t)
			opt := optim.Adam(nn.Parameters(model), optim.LR(0.02))
			return train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Val: val, Epochs: 6,
				Scheduler: lr.StepLR(opt, 2, 0.5)}
		})
	})
	t.Run("ReduceLROnPlateau", func(t *testing.T) {
		// A threshold no epoch can beat and no patience: the rate halves every epoch but the
		// first, so a resumed run that forgot the scheduler's state would diverge.
		checkResume(t, func() train.Config {
			model, trl, val := circlesSetup(t)
			opt := optim.Adam(nn.Parameters(model), optim.LR(0.02))
			return train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Val: val, Epochs: 6,
				Plateau: lr.ReduceLROnPlateau(opt, lr.PlateauOptions{Factor: 0.5, ZeroPatience: true, Threshold: 0.9})}
		})
	})
	t.Run("OneCycleLR", func(t *testing.T) {
		checkResume(t, func() train.Config {
			model, trl, val := circlesSetup(t)
			opt := optim.Adam(nn.Parameters(model), optim.LR(0.02))
			return train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Val: val, Epochs: 6,
				StepScheduler: lr.OneCycleLR(opt, 0.05, 6*trl.Len(), lr.OneCycleOptions{})}
		})
	})
}

// checkResume trains six epochs straight, and three plus three resumed from a checkpoint, and
// requires the same history and weights bit for bit.
func checkResume(t *testing.T, setup func() train.Config) {
	t.Helper()
	straight := setup()
	want, err := train.Fit(context.Background(), straight)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	first := setup()
	first.Epochs, first.CheckpointDir = 3, dir
	if _, err := train.Fit(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	second := setup()
	second.Resume = dir + "/last.safetensors"
	got, err := train.Fit(context.Background(), second)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Epochs) != 6 {
		t.Fatalf("resumed history has %d epochs", len(got.Epochs))
	}
	for i := range want.Epochs {
		if got.Epochs[i].TrainLoss != want.Epochs[i].TrainLoss || got.Epochs[i].ValLoss != want.Epochs[i].ValLoss {
			t.Fatalf("epoch %d: resumed %+v, uninterrupted %+v", i+1, got.Epochs[i], want.Epochs[i])
		}
	}
	a, b := nn.NamedTensors(straight.Model), nn.NamedTensors(second.Model)
	for i := range a {
		x, y := a[i].Tensor.Float32s(), b[i].Tensor.Float32s()
		for j := range x {
			if x[j] != y[j] {
				t.Fatalf("%s differs after resuming", a[i].Name)
			}
		}
	}
	if _, err := os.Stat(dir + "/best.safetensors"); err != nil {
		t.Fatal("no best model written")
	}
}
