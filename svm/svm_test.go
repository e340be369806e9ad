package svm

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// kernelParams are a golden case's kernel settings ("" or nil: the default).
type kernelParams struct {
	Kernel string
	C      float64
	Gamma  string
	Degree *int
	Coef0  *float64
}

// set copies the settings into an SVC's or SVR's fields.
func (p kernelParams) set(kernel *string, c *float64, gamma *string, degree *int, coef0 *float64) {
	*kernel, *c = p.Kernel, p.C
	if p.Gamma != "" {
		*gamma = p.Gamma
	}
	if p.Degree != nil {
		*degree = *p.Degree
	}
	if p.Coef0 != nil {
		*coef0 = *p.Coef0
	}
}

type goldenCase struct {
	Params                                      kernelParams
	X, Y, Support, Intercept, Decision, Predict tensortest.Array
	NSupport                                    tensortest.Array `json:"n_support"`
	DualCoef                                    tensortest.Array `json:"dual_coef"`
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-3*max(1, math.Abs(b)) }

// TestSVCGolden compares SVC with scikit-learn 1.2.1 (tol 1e-6 on both sides), with and
// without shrinking: identical support indices, n_support and predictions; dual
// coefficients, intercepts and decision values within 1e-3 relative.
func TestSVCGolden(t *testing.T) {
	var g map[string]goldenCase
	if err := tensortest.LoadJSON("../testdata/golden/svm.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g) == 0 {
		t.Fatal("no golden cases")
	}
	for name, c := range g {
		for _, shrink := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/shrinking=%v", name, shrink), func(t *testing.T) {
				m := NewSVC()
				c.Params.set(&m.Kernel, &m.C, &m.Gamma, &m.Degree, &m.Coef0)
				m.Tol, m.Shrinking = 1e-6, shrink
				X, y := c.X.MustTensor(), c.Y.MustTensor()
				if err := m.Fit(X, y); err != nil {
					t.Fatal(err)
				}
				exact := func(what string, got *tensor.Tensor, want tensortest.Array) {
					g, w := got.Float64s(), want.MustTensor().Float64s()
					if len(g) != len(w) {
						t.Fatalf("%s: got %v want %v", what, g, w)
					}
					for i := range g {
						if g[i] != w[i] {
							t.Fatalf("%s: got %v want %v", what, g, w)
						}
					}
				}
				close := func(what string, got *tensor.Tensor, want tensortest.Array) {
					g, w := got.Float64s(), want.MustTensor().Float64s()
					if len(g) != len(w) {
						t.Fatalf("%s: %d values, want %d", what, len(g), len(w))
					}
					for i := range g {
						if !near(g[i], w[i]) {
							t.Fatalf("%s[%d]: got %.8g want %.8g", what, i, g[i], w[i])
						}
					}
				}
				exact("support", m.Support, c.Support)
				exact("n_support", m.NSupport, c.NSupport)
				close("dual_coef", m.DualCoef, c.DualCoef)
				close("intercept", m.Intercept, c.Intercept)
				d, err := m.DecisionFunction(X)
				if err != nil {
					t.Fatal(err)
				}
				close("decision", d, c.Decision)
				p, err := m.Predict(X)
				if err != nil {
					t.Fatal(err)
				}
				exact("predict", p, c.Predict)
			})
		}
	}
}

func TestSVCErrors(t *testing.T) {
	X := tensor.FromSlice([]float64{0, 0, 1, 1, 2, 2, 3, 3}, 4, 2)
	y := tensor.FromSlice([]int64{0, 0, 1, 1}, 4)
	m := NewSVC()
	if _, err := m.Predict(X); err == nil || !strings.Contains(err.Error(), "before Fit") {
		t.Fatalf("Predict before Fit: %v", err)
	}
	bad := []struct {
		name string
		set  func(*SVC)
		X, y *tensor.Tensor
	}{
		{"nan", nil, tensor.FromSlice([]float64{0, math.NaN(), 1, 1, 2, 2, 3, 3}, 4, 2), y},
		{"one class", nil, X, tensor.FromSlice([]int64{1, 1, 1, 1}, 4)},
		{"C", func(s *SVC) { s.C = 0 }, X, y},
		{"y length", nil, X, tensor.FromSlice([]int64{0, 1}, 2)},
		{"kernel", func(s *SVC) { s.Kernel = "cubic" }, X, y},
		{"gamma", func(s *SVC) { s.Gamma = "-1" }, X, y},
		{"X 1-D", nil, tensor.FromSlice([]float64{1, 2, 3, 4}, 4), y},
	}
	for _, b := range bad {
		s := NewSVC()
		if b.set != nil {
			b.set(s)
		}
		if err := s.Fit(b.X, b.y); err == nil {
			t.Errorf("%s: Fit succeeded", b.name)
		}
	}
	if err := m.Fit(X, y); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DecisionFunction(tensor.FromSlice([]float64{1, 2, 3}, 1, 3)); err == nil || !strings.Contains(err.Error(), "features") {
		t.Fatalf("wrong feature count: %v", err)
	}
}
