package linear_test

import (
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/tensor"
)

func TestErrors(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 1, 1, 0, 2, 2, 3, 1}, 4, 2)
	y := tensor.FromSlice([]float64{0, 1, 1, 0}, 4)
	nanX := tensor.FromSlice([]float64{0, 1, 1, math.NaN(), 2, 2, 3, 1}, 4, 2)
	ridge := func(alpha float64) *linear.Ridge { r := linear.NewRidge(); r.Alpha = alpha; return r }
	enet := func(f func(e *linear.ElasticNet)) *linear.ElasticNet { e := linear.NewElasticNet(); f(e); return e }
	logit := func(f func(l *linear.LogisticRegression)) *linear.LogisticRegression {
		l := linear.NewLogisticRegression()
		f(l)
		return l
	}
	kr := func(f func(k *linear.KernelRidge)) *linear.KernelRidge { k := linear.NewKernelRidge(); f(k); return k }
	for _, tc := range []struct {
		m interface {
			Fit(X, y *tensor.Tensor) error
		}
		X, y *tensor.Tensor
		want string
	}{
		{linear.NewLinearRegression(), nanX, y, "X contains NaN (sample 1, feature 1)"},
		{linear.NewLinearRegression(), X, y.Narrow(0, 0, 3), "y has 3 samples but X has 4"},
		{linear.NewLinearRegression(), X, tensor.FromSlice([]float64{0, 1, math.Inf(-1), 0}, 4), "y contains -Inf (sample 2"},
		{linear.NewLinearRegression(), X.Reshape(8), y, "X must be 2-D"},
		{ridge(-1), X, y, "Alpha must be a finite number ≥ 0, got -1"},
		{enet(func(e *linear.ElasticNet) { e.L1Ratio = 1.5 }), X, y, "L1Ratio must be in [0, 1]"},
		{enet(func(e *linear.ElasticNet) { e.Alpha = math.NaN() }), X, y, "Alpha must be"},
		{enet(func(e *linear.ElasticNet) { e.MaxIter = 0 }), X, y, "MaxIter must be > 0"},
		{enet(func(e *linear.ElasticNet) {}), X, tensor.FromSlice([]float64{0, 1, 1, 0}, 4, 1), "y must be 1-D"},
		{linear.NewLasso(), X, y.Narrow(0, 0, 2), "y has 2 samples but X has 4"},
		{logit(func(l *linear.LogisticRegression) {}), X, tensor.FromSlice([]int64{3, 3, 3, 3}, 4), "only one class: 3"},
		{logit(func(l *linear.LogisticRegression) { l.C = 0 }), X, y, "C must be a finite number > 0"},
		{logit(func(l *linear.LogisticRegression) { l.C = -2 }), X, y, "C must be"},
		{logit(func(l *linear.LogisticRegression) { l.Penalty = "l1" }), X, y, "Penalty must be \"l2\" or \"none\""},
		{logit(func(l *linear.LogisticRegression) {}), X, tensor.FromSlice([]float64{0, 0.5, 1, 0}, 4), "class labels must be integers"},
		{logit(func(l *linear.LogisticRegression) {}), nanX, y, "X contains NaN"},
		{logit(func(l *linear.LogisticRegression) {}), X, y.Narrow(0, 0, 3), "y has 3 samples but X has 4"},
		{kr(func(k *linear.KernelRidge) { k.Kernel = "sigmoid" }), X, y, "Kernel must be"},
		{kr(func(k *linear.KernelRidge) { k.Alpha = -0.5 }), X, y, "Alpha must be"},
		{kr(func(k *linear.KernelRidge) {}), X, y.Narrow(0, 0, 1), "y has 1 samples but X has 4"},
		{kr(func(k *linear.KernelRidge) { k.Gamma = -1 }), X, y, "Gamma must be a finite number ≥ 0, got -1"},
		{kr(func(k *linear.KernelRidge) {}), tensor.FromSlice([]float32{0, 1, 1, float32(math.Inf(1)), 2, 2, 3, 1}, 4, 2), y, "X contains +Inf (sample 1, feature 1)"},
		{linear.NewRidge(), X, tensor.FromSlice([]float64{0, math.NaN(), 1, 0}, 4), "y contains NaN (sample 1, column 0)"},
		{linear.NewLasso(), X, tensor.FromSlice([]float64{0, 1, math.NaN(), 0}, 4), "y contains NaN (sample 2"},
		{enet(func(e *linear.ElasticNet) { e.Alpha = -0.1 }), X, y, "Alpha must be a finite number ≥ 0, got -0.1"},
		{func() *linear.Lasso { l := linear.NewLasso(); l.Alpha = -3; return l }(), X, y, "lasso: Alpha must be a finite number ≥ 0, got -3"},
		{enet(func(e *linear.ElasticNet) { e.Tol = -1 }), X, y, "Tol must be a finite number ≥ 0"},
		{logit(func(l *linear.LogisticRegression) { l.MaxIter = -1 }), X, y, "MaxIter must be > 0, got -1"},
		{logit(func(l *linear.LogisticRegression) {}), X, tensor.FromSlice([]float64{1, math.Inf(1), 1, 0}, 4), "y contains +Inf (sample 1"},
		{linear.NewLinearRegression(), nil, y, "X is nil"},
		{linear.NewRidge(), X, nil, "y is nil"},
	} {
		if err := tc.m.Fit(tc.X, tc.y); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T: Fit error %v, want %q", tc.m, err, tc.want)
		}
	}
}

func TestPredictErrors(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 1, 1, 0, 2, 2, 3, 1}, 4, 2)
	y := tensor.FromSlice([]float64{0, 1, 1, 0}, 4)
	models := []interface {
		Fit(X, y *tensor.Tensor) error
		Predict(X *tensor.Tensor) (*tensor.Tensor, error)
	}{linear.NewLinearRegression(), linear.NewRidge(), linear.NewLasso(), linear.NewElasticNet(), linear.NewLogisticRegression(), linear.NewKernelRidge()}
	for _, m := range models {
		if _, err := m.Predict(X); err == nil || !strings.Contains(err.Error(), "not fitted") {
			t.Errorf("%T: Predict before Fit: %v", m, err)
		}
		if err := m.Fit(X, y); err != nil {
			t.Fatalf("%T: %v", m, err)
		}
		if _, err := m.Predict(tensor.FromSlice([]float64{1, 2, 3}, 1, 3)); err == nil || !strings.Contains(err.Error(), "X has 3 features, but the estimator was fitted with 2") {
			t.Errorf("%T: wrong feature count: %v", m, err)
		}
	}
}

// TestLogisticDefaultsNearOptimum checks that the default tolerance (1e-4) already lands
// within 1e-4 of the optimum found at a tight tolerance.
func TestLogisticDefaultsNearOptimum(t *testing.T) {
	g := load(t)
	for _, data := range []string{"binary", "multi"} {
		d := g.Datasets[data]
		X, y := rowsTensor(d.X), asTensor(t, d.Y)
		loose, tight := linear.NewLogisticRegression(), linear.NewLogisticRegression()
		tight.Tol, tight.MaxIter, tight.WarmStart = 1e-10, 10000, true
		for _, m := range []*linear.LogisticRegression{loose, tight, tight, tight} {
			if err := m.Fit(X, y); err != nil {
				t.Fatal(err)
			}
		}
		if err := closeTo(loose.Coef.Float64s(), tight.Coef.Float64s(), 1e-4); err != nil {
			t.Errorf("%s: default-tolerance coefficients: %v", data, err)
		}
	}
}
