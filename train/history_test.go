package train_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

func TestHistoryJSONRoundTrip(t *testing.T) {
	h := train.History{BestEpoch: 2, StoppedEarly: true, Epochs: []train.Epoch{
		{Epoch: 1, TrainLoss: 0.5, ValLoss: math.NaN(), Metrics: map[string]float64{"train_accuracy": 0.75, "train_odd": math.Inf(1)}, LR: 0.01, Duration: 3 * time.Millisecond},
		{Epoch: 2, TrainLoss: 0.25, ValLoss: 0.3, Metrics: map[string]float64{}, LR: 0.005, Duration: time.Second},
	}}
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"ValLoss":null`) || !strings.Contains(string(b), `"train_odd":null`) || !strings.Contains(string(b), `"ValLoss":0.3`) {
		t.Fatalf("JSON %s", b)
	}
	var back train.History
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	e0, e1 := back.Epochs[0], back.Epochs[1]
	if back.BestEpoch != 2 || !back.StoppedEarly || len(back.Epochs) != 2 ||
		!math.IsNaN(e0.ValLoss) || e0.TrainLoss != 0.5 || e0.Metrics["train_accuracy"] != 0.75 || !math.IsNaN(e0.Metrics["train_odd"]) ||
		e0.LR != 0.01 || e0.Duration != 3*time.Millisecond || e1.ValLoss != 0.3 || e1.Metrics == nil || e1.Duration != time.Second {
		t.Fatalf("round trip gave %+v", back)
	}
	var e train.Epoch
	if err := json.Unmarshal([]byte(`{"Epoch":4,"TrainLoss":1}`), &e); err != nil || !math.IsNaN(e.ValLoss) || e.Metrics == nil {
		t.Fatalf("missing fields: %+v %v", e, err)
	}
}

// TestFitHistoryWithoutValidationMarshals: without a validation set every ValLoss is NaN.
func TestFitHistoryWithoutValidationMarshals(t *testing.T) {
	model, trl, _ := circlesSetup(t)
	h, err := train.Fit(context.Background(), train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: optim.Adam(nn.Parameters(model)), Train: trl, Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(h); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointKeepsNaNMetric saves a checkpoint whose history holds a NaN metric and
// resumes from it.
func TestCheckpointKeepsNaNMetric(t *testing.T) {
	nan := train.Metric{Name: "nan", Fn: func(out, _ *tensor.Tensor) (float64, int) { return math.NaN(), out.Size(0) }}
	dir := t.TempDir()
	model, trl, _ := circlesSetup(t)
	opt := optim.Adam(nn.Parameters(model))
	cfg := train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Epochs: 1, Metrics: []train.Metric{nan}, CheckpointDir: dir}
	if _, err := train.Fit(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Epochs, cfg.CheckpointDir, cfg.Resume = 2, "", dir+"/last.safetensors"
	h, err := train.Fit(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != 2 || !math.IsNaN(h.Epochs[0].Metrics["train_nan"]) || !math.IsNaN(h.Epochs[0].ValLoss) {
		t.Fatalf("resumed history %+v", h.Epochs)
	}
}
