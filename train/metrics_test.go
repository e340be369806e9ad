package train_test

import (
	"context"
	"math"
	"testing"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// near allows the difference of summing per batch rather than all at once.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

// TestRegressionMetricsMatchMetricsPackage scores fixed predictions (the identity model
// returns them) in uneven batches and compares with the metrics package over all rows.
func TestRegressionMetricsMatchMetricsPackage(t *testing.T) {
	g := tensor.NewGenerator(3)
	y := tensor.Randn(g, 50, 1).To(tensor.Float64)
	pred := y.Add(tensor.Randn(g, 50, 1).To(tensor.Float64).MulScalar(0.4)).AddScalar(0.1)
	_, got := train.Evaluate(nn.Identity(), nn.MSELoss(), loader(t, pred, y, 7), []train.Metric{train.MAE(), train.MSE(), train.R2()})
	for name, f := range map[string]func(a, b *tensor.Tensor) (float64, error){"mae": metrics.MAE, "mse": metrics.MSE, "r2": metrics.R2} {
		want, err := f(y, pred)
		if err != nil {
			t.Fatal(err)
		}
		if !near(got[name], want) {
			t.Errorf("%s: %v, metrics package %v", name, got[name], want)
		}
	}
	// A constant target predicted exactly has R² 1, as in scikit-learn.
	c := tensor.FullOf(tensor.Float64, 2, 10, 1)
	if _, got := train.Evaluate(nn.Identity(), nn.MSELoss(), loader(t, c, c, 3), []train.Metric{train.R2()}); got["r2"] != 1 {
		t.Errorf("constant target: r2 %v, want 1", got["r2"])
	}
}

func TestF1MatchesMetricsPackage(t *testing.T) {
	g := tensor.NewGenerator(4)
	logits := tensor.Randn(g, 41, 1)
	y := tensor.Rand(g, 41, 1).Add(logits.MulScalar(0.3)).GtScalar(0.5).To(tensor.Float32)
	_, got := train.Evaluate(nn.Identity(), nn.BCEWithLogitsLoss(), loader(t, logits, y, 8), []train.Metric{train.BinaryF1(0.2)})
	want, err := metrics.F1(y, logits.GtScalar(0.2).To(tensor.Int64))
	if err != nil {
		t.Fatal(err)
	}
	if got["f1"] != want || want == 0 {
		t.Errorf("binary f1 %v, metrics package %v", got["f1"], want)
	}
	// No positive targets or predictions: F1 is 0 (scikit-learn's zero_division default).
	neg := tensor.FullOf(tensor.Float32, -1, 5, 1)
	if _, got := train.Evaluate(nn.Identity(), nn.BCEWithLogitsLoss(), loader(t, neg, tensor.Zeros(5, 1), 2), []train.Metric{train.BinaryF1(0)}); got["f1"] != 0 {
		t.Errorf("all negative: f1 %v, want 0", got["f1"])
	}

	scores := tensor.Randn(g, 60, 4)
	labels := tensor.Randn(g, 60, 4).Add(scores).ArgmaxDim(1, false)
	_, got = train.Evaluate(nn.Identity(), nn.CrossEntropyLoss(), loader(t, scores, labels, 16), []train.Metric{train.MulticlassF1()})
	want, err = metrics.F1(labels, scores.ArgmaxDim(1, false), metrics.Average("macro"))
	if err != nil {
		t.Fatal(err)
	}
	if got["f1"] != want {
		t.Errorf("macro f1 %v, metrics package %v", got["f1"], want)
	}
}

// TestFitRecordsNewMetrics trains briefly and checks the last epoch's validation F1 against
// the metrics package on the trained model's predictions.
func TestFitRecordsNewMetrics(t *testing.T) {
	model, trl, val := circlesSetup(t)
	opt := optim.Adam(nn.Parameters(model), optim.LR(0.02))
	h, err := train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Val: val, Epochs: 3,
		Metrics: []train.Metric{train.BinaryF1(0), train.MSE()},
	})
	if err != nil {
		t.Fatal(err)
	}
	last := h.Epochs[2].Metrics
	for _, k := range []string{"train_f1", "val_f1", "train_mse", "val_mse"} {
		if _, ok := last[k]; !ok {
			t.Fatalf("no %s in %v", k, last)
		}
	}
	ds := val.Dataset().(*data.TensorDataset)
	nn.Eval(model)
	var out *tensor.Tensor
	tensor.NoGrad(func() { out = model.Forward(ds.X) })
	want, err := metrics.F1(ds.Y, out.GtScalar(0).To(tensor.Int64))
	if err != nil {
		t.Fatal(err)
	}
	if last["val_f1"] != want {
		t.Fatalf("val_f1 %v, metrics package on the model's predictions %v", last["val_f1"], want)
	}
}

func TestMetricOnWrongShapesIsAnError(t *testing.T) {
	model, trl, _ := circlesSetup(t)
	opt := optim.Adam(nn.Parameters(model))
	_, err := train.Fit(context.Background(), train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Epochs: 1,
		Metrics: []train.Metric{train.MulticlassF1()}})
	if err == nil || !contains(err.Error(), `train: metric "f1": model output [32]`) {
		t.Fatalf("error %v, want one naming the metric and the shapes", err)
	}
	if _, err := train.Fit(context.Background(), train.Config{Model: model, Loss: nn.BCEWithLogitsLoss(), Optimizer: opt, Train: trl, Epochs: 1,
		Metrics: []train.Metric{{Name: "empty"}}}); err == nil {
		t.Fatal("a metric without Fn or New accepted")
	}
}
