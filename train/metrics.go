package train

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

// BinaryAccuracy counts predictions whose output (a logit, shape [N] or [N, 1]) lies on the
// target's side of threshold: use 0 for logits and 0.5 for probabilities.
func BinaryAccuracy(threshold float64) Metric {
	return Metric{Name: "accuracy", Higher: true, Fn: func(out, y *tensor.Tensor) (float64, int) {
		o, t := out.Float64s(), y.Float64s()
		n := 0
		for i := range o {
			if (o[i] > threshold) == (t[i] > 0.5) {
				n++
			}
		}
		return float64(n), len(o)
	}}
}

// MulticlassAccuracy counts rows of output ([N, C] scores) whose argmax is the target class.
func MulticlassAccuracy() Metric {
	return Metric{Name: "accuracy", Higher: true, Fn: func(out, y *tensor.Tensor) (float64, int) {
		pred := out.ArgmaxDim(1, false).Int64s()
		t := y.Int64s()
		n := 0
		for i := range pred {
			if pred[i] == t[i] {
				n++
			}
		}
		return float64(n), len(pred)
	}}
}

// MAE is the mean absolute error |output − target| over all values of the epoch, like
// metrics.MAE; output and target hold the same number of values ([N] against [N, 1] is fine).
func MAE() Metric {
	return Metric{Name: "mae", Fn: func(out, y *tensor.Tensor) (float64, int) {
		t, o := values("mae", out, y)
		s := 0.0
		for i := range o {
			s += math.Abs(t[i] - o[i])
		}
		return s, len(o)
	}}
}

// MSE is the mean squared error (output − target)² over all values of the epoch, like
// metrics.MSE; output and target hold the same number of values.
func MSE() Metric {
	return Metric{Name: "mse", Fn: func(out, y *tensor.Tensor) (float64, int) {
		t, o := values("mse", out, y)
		s := 0.0
		for i := range o {
			s += (t[i] - o[i]) * (t[i] - o[i])
		}
		return s, len(o)
	}}
}

// R2 is the coefficient of determination of the epoch's outputs against its targets, as
// metrics.R2 computes it over all values together (1 for a constant target predicted exactly,
// 0 for one predicted wrongly). It keeps every value of the epoch: 16 bytes each.
func R2() Metric {
	return Metric{Name: "r2", Higher: true, New: func() Accumulator {
		return &collector{pairs: func(out, y *tensor.Tensor) ([]float64, []float64) { return values("r2", out, y) }, score: metrics.R2}
	}}
}

// BinaryF1 is the F1 score of the positive class over the epoch, like metrics.F1 with its
// defaults: an output (shape [N] or [N, 1]) above threshold predicts class 1 (use 0 for logits
// and 0.5 for probabilities), and a target above 0.5 is class 1. With no positive targets or
// predictions F1 is 0. It keeps two labels per sample of the epoch.
func BinaryF1(threshold float64) Metric {
	return Metric{Name: "f1", Higher: true, New: func() Accumulator {
		return &collector{pairs: func(out, y *tensor.Tensor) ([]float64, []float64) {
			t, o := values("f1", out, y)
			for i := range o {
				t[i], o[i] = indicator(t[i] > 0.5), indicator(o[i] > threshold)
			}
			return t, o
		}, score: func(t, p *tensor.Tensor) (float64, error) { return metrics.F1(t, p) }}
	}}
}

// MulticlassF1 is the macro-averaged F1 score over the epoch, like metrics.F1 with
// Average("macro"): the predicted class is the argmax of each output row ([N, C] scores), the
// target holds class indices [N], and the average runs over the classes that occur in the
// epoch's targets or predictions. It keeps two labels per sample of the epoch.
func MulticlassF1() Metric {
	return Metric{Name: "f1", Higher: true, New: func() Accumulator {
		return &collector{pairs: func(out, y *tensor.Tensor) ([]float64, []float64) {
			pred := out.ArgmaxDim(1, false).Float64s()
			t := y.Float64s()
			if len(t) != len(pred) {
				panic(fmt.Sprintf("f1: %d predicted classes but %d targets", len(pred), len(t)))
			}
			return t, pred
		}, score: func(t, p *tensor.Tensor) (float64, error) { return metrics.F1(t, p, metrics.Average("macro")) }}
	}}
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// values returns the target's and the output's values, which must be as many.
func values(name string, out, y *tensor.Tensor) (t, o []float64) {
	t, o = y.Float64s(), out.Float64s()
	if len(t) != len(o) {
		panic(fmt.Sprintf("%s: the output holds %d values but the target %d", name, len(o), len(t)))
	}
	return t, o
}

// collector keeps an epoch's (target, prediction) pairs and scores them all at the end, for
// metrics that are not averages over batches.
type collector struct {
	pairs func(out, y *tensor.Tensor) (t, p []float64)
	score func(t, p *tensor.Tensor) (float64, error)
	t, p  []float64
}

func (c *collector) Add(out, y *tensor.Tensor) {
	t, p := c.pairs(out, y)
	c.t = append(c.t, t...)
	c.p = append(c.p, p...)
}

func (c *collector) Value() (float64, bool) {
	if len(c.t) == 0 {
		return 0, false
	}
	v, err := c.score(tensor.FromSlice(c.t, len(c.t)), tensor.FromSlice(c.p, len(c.p)))
	return v, err == nil
}
