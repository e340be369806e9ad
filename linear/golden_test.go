package linear_test

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type dataset struct {
	X, Xq [][]float64
	Y     json.RawMessage // [samples] or [samples, targets]
}

type params struct {
	Alpha        *float64
	L1Ratio      float64 `json:"l1_ratio"`
	FitIntercept bool    `json:"fit_intercept"`
	Penalty      string
	C            float64
	Kernel       string
	Gamma        *float64
	Degree       *float64
	Coef0        *float64
}

type fitCase struct {
	Name            string
	Data            string
	Params          params
	Coef            json.RawMessage
	Intercept       json.RawMessage
	DualCoef        json.RawMessage `json:"dual_coef"`
	Predict         json.RawMessage
	Rank            int
	NIter           int     `json:"n_iter"`
	DualGap         float64 `json:"dual_gap"`
	Score           float64
	Classes         []int64
	PredictProba    [][]float64     `json:"predict_proba"`
	PredictLogProba [][]float64     `json:"predict_log_proba"`
	Decision        json.RawMessage `json:"decision_function"`
}

type golden struct {
	Datasets    map[string]dataset
	Regression  []fitCase
	ENet        []fitCase `json:"enet"`
	Logistic    []fitCase
	KernelRidge []fitCase `json:"kernel_ridge"`
}

var (
	goldenOnce sync.Once
	goldenData golden
	goldenErr  error
)

func load(t *testing.T) golden {
	t.Helper()
	goldenOnce.Do(func() { goldenErr = tensortest.LoadJSON("../testdata/golden/linear.json", &goldenData) })
	if goldenErr != nil {
		t.Fatal(goldenErr)
	}
	return goldenData
}

// flat decodes a JSON number, vector or matrix into its row-major values and shape.
func flat(t *testing.T, raw json.RawMessage) ([]float64, []int) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	switch x := v.(type) {
	case float64:
		return []float64{x}, nil
	case []any:
		if len(x) > 0 {
			if _, ok := x[0].([]any); ok {
				var out []float64
				for _, r := range x {
					for _, e := range r.([]any) {
						out = append(out, e.(float64))
					}
				}
				return out, []int{len(x), len(x[0].([]any))}
			}
		}
		out := make([]float64, len(x))
		for i, e := range x {
			out[i] = e.(float64)
		}
		return out, []int{len(x)}
	}
	t.Fatalf("unexpected JSON %s", raw)
	return nil, nil
}

func asTensor(t *testing.T, raw json.RawMessage) *tensor.Tensor {
	v, shape := flat(t, raw)
	return tensor.FromSlice(v, shape...)
}

func rowsTensor(rows [][]float64) *tensor.Tensor {
	return tensor.FromSlice(slices.Concat(rows...), len(rows), len(rows[0]))
}

// check compares got with the golden values: same shape, values within tol·max(1, |want|).
// A scalar golden value is compared with every value of got (scikit-learn's intercept_ is
// the scalar 0.0 without intercept, whatever the number of targets).
func check(t *testing.T, what string, got *tensor.Tensor, raw json.RawMessage, tol float64) {
	t.Helper()
	want, shape := flat(t, raw)
	if len(shape) == 0 {
		want = slices.Repeat(want, got.Numel())
		shape = got.Shape()
	}
	if !slices.Equal(got.Shape(), shape) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape(), shape)
		return
	}
	if err := closeTo(got.Float64s(), want, tol); err != nil {
		t.Errorf("%s: %v", what, err)
	}
}

func closeTo(got, want []float64, tol float64) error {
	if len(got) != len(want) {
		return fmt.Errorf("length %d, want %d", len(got), len(want))
	}
	for i := range got {
		if !(math.Abs(got[i]-want[i]) <= tol*max(1, math.Abs(want[i]))) {
			return fmt.Errorf("[%d] = %.12g, want %.12g", i, got[i], want[i])
		}
	}
	return nil
}

func (c fitCase) id() string {
	p := c.Params
	return fmt.Sprintf("%s/%s/alpha%v_l1%g_C%g_%s_%s_fi%v", c.Name, c.Data, deref(p.Alpha), p.L1Ratio, p.C, p.Penalty, p.Kernel, p.FitIntercept)
}

func deref(p *float64) any {
	if p == nil {
		return "default"
	}
	return *p
}

type regressor interface {
	Fit(X, y *tensor.Tensor) error
	Predict(X *tensor.Tensor) (*tensor.Tensor, error)
	Score(X, y *tensor.Tensor) (float64, error)
}

// fitPredict fits m on the case's data, checks Predict (within tol) and Score (1e-9).
func fitPredict(t *testing.T, g golden, c fitCase, m regressor, tol float64) {
	t.Helper()
	d := g.Datasets[c.Data]
	X, y := rowsTensor(d.X), asTensor(t, d.Y)
	if err := m.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	pred, err := m.Predict(rowsTensor(d.Xq))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "predict", pred, c.Predict, tol)
	score, err := m.Score(X, y)
	if err != nil || math.Abs(score-c.Score) > 1e-9 {
		t.Errorf("score %v (%v), want %v", score, err, c.Score)
	}
}

// TestRegressionGolden compares LinearRegression and Ridge with scikit-learn 1.2.1:
// coefficients, intercepts and predictions within 1e-8, rank exactly.
func TestRegressionGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.Regression {
		t.Run(c.id(), func(t *testing.T) {
			switch c.Name {
			case "ols":
				m := linear.NewLinearRegression()
				m.FitIntercept = c.Params.FitIntercept
				fitPredict(t, g, c, m, 1e-8)
				check(t, "coef", m.Coef, c.Coef, 1e-8)
				check(t, "intercept", m.Intercept, c.Intercept, 1e-8)
				if m.Rank != c.Rank {
					t.Errorf("rank %d, want %d", m.Rank, c.Rank)
				}
			case "ridge":
				m := linear.NewRidge()
				m.Alpha, m.FitIntercept = *c.Params.Alpha, c.Params.FitIntercept
				fitPredict(t, g, c, m, 1e-8)
				check(t, "coef", m.Coef, c.Coef, 1e-8)
				check(t, "intercept", m.Intercept, c.Intercept, 1e-8)
			}
		})
	}
}

// TestElasticNetGolden compares Lasso and ElasticNet with scikit-learn 1.2.1 at its default
// tolerance: the same coordinate-descent sweeps, so coefficients within 1e-8 and the same
// number of iterations.
func TestElasticNetGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.ENet {
		t.Run(c.id(), func(t *testing.T) {
			m := linear.NewElasticNet()
			m.Alpha, m.L1Ratio, m.FitIntercept = *c.Params.Alpha, c.Params.L1Ratio, c.Params.FitIntercept
			var est regressor = m
			if c.Name == "lasso" {
				l := linear.NewLasso()
				l.Alpha, l.FitIntercept = m.Alpha, m.FitIntercept
				est, m = l, &l.ElasticNet
			}
			fitPredict(t, g, c, est, 1e-8)
			check(t, "coef", m.Coef, c.Coef, 1e-8)
			check(t, "intercept", tensor.FromSlice([]float64{m.Intercept}), c.Intercept, 1e-8)
			if m.NIter != c.NIter {
				t.Errorf("n_iter %d, want %d", m.NIter, c.NIter)
			}
			if math.Abs(m.DualGap-c.DualGap) > 1e-8*max(1, math.Abs(c.DualGap)) {
				t.Errorf("dual gap %g, want %g", m.DualGap, c.DualGap)
			}
		})
	}
}

// TestKernelRidgeGolden compares KernelRidge with scikit-learn 1.2.1: dual coefficients and
// predictions within 1e-8.
func TestKernelRidgeGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.KernelRidge {
		t.Run(c.id(), func(t *testing.T) {
			m := linear.NewKernelRidge()
			p := c.Params
			if p.Alpha != nil {
				m.Alpha = *p.Alpha
			}
			if p.Kernel != "" {
				m.Kernel = p.Kernel
			}
			if p.Gamma != nil {
				m.Gamma = *p.Gamma
			}
			if p.Degree != nil {
				m.Degree = *p.Degree
			}
			if p.Coef0 != nil {
				m.Coef0 = *p.Coef0
			}
			fitPredict(t, g, c, m, 1e-8)
			check(t, "dual_coef", m.DualCoef, c.DualCoef, 1e-8)
		})
	}
}

// TestLogisticGolden compares LogisticRegression with scikit-learn 1.2.1 at its optimum
// (both sides run to a tight tolerance, with warm restarts): coefficients, intercepts,
// probabilities and decisions within 1e-6, classes and predictions exactly.
func TestLogisticGolden(t *testing.T) {
	g := load(t)
	for _, c := range g.Logistic {
		t.Run(c.id(), func(t *testing.T) {
			d := g.Datasets[c.Data]
			X, y, Xq := rowsTensor(d.X), asTensor(t, d.Y), rowsTensor(d.Xq)
			m := linear.NewLogisticRegression()
			m.Penalty, m.C, m.FitIntercept = c.Params.Penalty, c.Params.C, c.Params.FitIntercept
			m.Tol, m.MaxIter, m.WarmStart = 1e-10, 10000, true
			var prev []float64
			for range 50 { // like the golden script: warm restarts past the ftol test
				if err := m.Fit(X, y); err != nil {
					t.Fatal(err)
				}
				cur := slices.Concat(m.Coef.Float64s(), m.Intercept.Float64s())
				if prev != nil && closeTo(cur, prev, 1e-12) == nil {
					break
				}
				prev = cur
			}
			const tol = 1e-6
			check(t, "coef", m.Coef, c.Coef, tol)
			check(t, "intercept", m.Intercept, c.Intercept, tol)
			if got := m.Classes.Int64s(); !slices.Equal(got, c.Classes) {
				t.Errorf("classes %v, want %v", got, c.Classes)
			}
			pred, err := m.Predict(Xq)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "predict", pred.Double(), c.Predict, 0)
			proba, _ := m.PredictProba(Xq)
			check(t, "predict_proba", proba, mustJSON(c.PredictProba), tol)
			logp, _ := m.PredictLogProba(Xq)
			check(t, "predict_log_proba", logp, mustJSON(c.PredictLogProba), tol)
			dec, _ := m.DecisionFunction(Xq)
			check(t, "decision_function", dec, c.Decision, tol)
			score, err := m.Score(X, y)
			if err != nil || score != c.Score {
				t.Errorf("score %v (%v), want %v", score, err, c.Score)
			}
		})
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
