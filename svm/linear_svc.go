package svm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/ember-ml/ember/internal/scoring"
	"github.com/ember-ml/ember/tensor"
)

// LinearSVC is scikit-learn's LinearSVC: liblinear's L2-regularised linear SVM solved by
// dual coordinate descent (Hsieh et al. 2008), one-vs-rest for more than two classes.
type LinearSVC struct {
	C                float64 // regularisation, > 0 (1.0)
	Loss             string  // "squared_hinge" (default) or "hinge"
	Tol              float64 // stopping tolerance on the projected-gradient spread (1e-4)
	MaxIter          int     // passes over the data per class (1000)
	FitIntercept     bool    // append a constant feature InterceptScaling (true)
	InterceptScaling float64 // that feature's value (1); its weight is regularised, as in liblinear
	RandomState      uint64  // seed of the coordinate order

	Classes     *tensor.Tensor // sorted labels, int64 [classes]
	Coef        *tensor.Tensor // float64 [1, features] for two classes (positive favours Classes[1]), else [classes, features]
	Intercept   *tensor.Tensor // float64 [1] or [classes]; zero without FitIntercept
	NIter       int            // the most passes any class took; MaxIter means not converged to Tol
	NFeaturesIn int

	classes []int64
	w       []float64 // [rows, features]
	b       []float64 // [rows]
	d       int
}

// NewLinearSVC returns a LinearSVC with scikit-learn's defaults.
func NewLinearSVC() *LinearSVC {
	return &LinearSVC{C: 1, Loss: "squared_hinge", Tol: 1e-4, MaxIter: 1000, FitIntercept: true, InterceptScaling: 1}
}

// Fit trains one binary problem (two classes) or one per class against the rest on X
// [samples, features] and integer labels y [samples].
func (m *LinearSVC) Fit(X, y *tensor.Tensor) error {
	const op = "linearsvc: Fit"
	if err := m.check(op); err != nil {
		return err
	}
	x, n, d, lab, err := readXLabels(op, X, y)
	if err != nil {
		return err
	}
	return m.fit(op, x, n, d, lab)
}

func (m *LinearSVC) check(op string) error {
	if !(m.C > 0) || math.IsInf(m.C, 0) {
		return fmt.Errorf("%s: C must be > 0, got %g", op, m.C)
	}
	if m.Loss != "squared_hinge" && m.Loss != "hinge" {
		return fmt.Errorf("%s: Loss must be \"squared_hinge\" or \"hinge\", got %q", op, m.Loss)
	}
	if !(m.Tol > 0) {
		return fmt.Errorf("%s: Tol must be > 0, got %g", op, m.Tol)
	}
	if m.MaxIter < 1 {
		return fmt.Errorf("%s: MaxIter must be ≥ 1, got %d", op, m.MaxIter)
	}
	if m.FitIntercept && (!(m.InterceptScaling > 0) || math.IsInf(m.InterceptScaling, 0)) {
		return fmt.Errorf("%s: InterceptScaling must be > 0, got %g", op, m.InterceptScaling)
	}
	return nil
}

func (m *LinearSVC) fit(op string, x []float64, n, d int, lab []int64) error {
	classes := slices.Compact(slices.Sorted(slices.Values(lab)))
	if len(classes) < 2 {
		return fmt.Errorf("%s: need at least 2 classes, got %d", op, len(classes))
	}
	bias := 0.0
	if m.FitIntercept {
		bias = m.InterceptScaling
	}
	rows := len(classes)
	if rows == 2 {
		rows = 1
	}
	r := rand.New(rand.NewPCG(m.RandomState, 0x11b11)) // liblinear's own rand cannot be matched
	w := make([]float64, rows*d)
	b := make([]float64, rows)
	ys := make([]float64, n)
	nIter := 0
	for k := range rows {
		pos := classes[k]
		if rows == 1 {
			pos = classes[1]
		}
		for i, l := range lab {
			ys[i] = -1
			if l == pos {
				ys[i] = 1
			}
		}
		wk, bk, it := dualCD(x, d, ys, bias, m.C, m.Loss == "hinge", m.Tol, m.MaxIter, r)
		copy(w[k*d:], wk)
		b[k] = bk * bias
		nIter = max(nIter, it)
	}
	m.classes, m.w, m.b, m.d = classes, w, b, d
	m.setTensors(nIter)
	return nil
}

func (m *LinearSVC) setTensors(nIter int) {
	rows := len(m.b)
	m.Classes = tensor.FromSlice(slices.Clone(m.classes), len(m.classes))
	m.Coef = tensor.FromSlice(slices.Clone(m.w), rows, m.d)
	m.Intercept = tensor.FromSlice(slices.Clone(m.b), rows)
	m.NIter, m.NFeaturesIn = nIter, m.d
}

// dualCD is liblinear's solve_l2r_l1l2_svc: coordinate descent on the dual of
// min ½‖w‖² + C Σ loss(y_i (w·x_i + w_b·bias)) with random order and shrinking. It
// returns w, the bias weight w_b and the passes taken.
func dualCD(x []float64, d int, y []float64, bias, C float64, hinge bool, eps float64, maxIter int, r *rand.Rand) ([]float64, float64, int) {
	l := len(y)
	diag, ub := 0.5/C, math.Inf(1) // squared hinge: D_ii = 1/(2C), no upper bound
	if hinge {
		diag, ub = 0, C
	}
	w := make([]float64, d)
	var wb float64
	alpha := make([]float64, l)
	qd := make([]float64, l)
	index := make([]int, l)
	for i := range l {
		xi := x[i*d : (i+1)*d]
		qd[i] = diag + dot(xi, xi) + bias*bias
		index[i] = i
	}
	active := l
	pgMaxOld, pgMinOld := math.Inf(1), math.Inf(-1)
	iter := 0
	for iter < maxIter {
		pgMaxNew, pgMinNew := math.Inf(-1), math.Inf(1)
		for i := range active {
			j := i + r.IntN(active-i)
			index[i], index[j] = index[j], index[i]
		}
		for s := 0; s < active; s++ {
			i := index[s]
			yi := y[i]
			xi := x[i*d : (i+1)*d]
			G := yi*(dot(w, xi)+wb*bias) - 1 + alpha[i]*diag
			pg := 0.0
			switch {
			case alpha[i] == 0:
				if G > pgMaxOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if G < 0 {
					pg = G
				}
			case alpha[i] == ub:
				if G < pgMinOld {
					active--
					index[s], index[active] = index[active], index[s]
					s--
					continue
				}
				if G > 0 {
					pg = G
				}
			default:
				pg = G
			}
			pgMaxNew = max(pgMaxNew, pg)
			pgMinNew = min(pgMinNew, pg)
			if math.Abs(pg) > 1e-12 {
				old := alpha[i]
				alpha[i] = min(max(alpha[i]-G/qd[i], 0), ub)
				dl := (alpha[i] - old) * yi
				for k, v := range xi {
					w[k] += dl * v
				}
				wb += dl * bias
			}
		}
		iter++
		if pgMaxNew-pgMinNew <= eps {
			if active == l {
				break
			}
			active = l
			pgMaxOld, pgMinOld = math.Inf(1), math.Inf(-1)
			continue
		}
		pgMaxOld, pgMinOld = pgMaxNew, pgMinNew
		if pgMaxOld <= 0 {
			pgMaxOld = math.Inf(1)
		}
		if pgMinOld >= 0 {
			pgMinOld = math.Inf(-1)
		}
	}
	return w, wb, iter
}

// DecisionFunction returns X·Coefᵀ + Intercept: [samples] for two classes (positive
// favours Classes[1]), else [samples, classes].
func (m *LinearSVC) DecisionFunction(X *tensor.Tensor) (*tensor.Tensor, error) {
	dec, n, err := m.decision("linearsvc: DecisionFunction", X)
	if err != nil {
		return nil, err
	}
	if len(m.b) == 1 {
		return tensor.FromSlice(dec, n), nil
	}
	return tensor.FromSlice(dec, n, len(m.b)), nil
}

func (m *LinearSVC) decision(op string, X *tensor.Tensor) ([]float64, int, error) {
	if m.classes == nil {
		return nil, 0, fmt.Errorf("%s: called before Fit", op)
	}
	x, n, d, err := readX(op, X)
	if err != nil {
		return nil, 0, err
	}
	if d != m.d {
		return nil, 0, fmt.Errorf("%s: X has %d features, the model was fitted on %d", op, d, m.d)
	}
	rows := len(m.b)
	out := make([]float64, n*rows)
	for i := range n {
		xi := x[i*d : (i+1)*d]
		for k := range rows {
			out[i*rows+k] = dot(m.w[k*d:(k+1)*d], xi) + m.b[k]
		}
	}
	return out, n, nil
}

// Predict returns Classes[1] where the decision value is > 0 (two classes), else the class
// with the largest decision value (the first on ties), int64 [samples].
func (m *LinearSVC) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	dec, n, err := m.decision("linearsvc: Predict", X)
	if err != nil {
		return nil, err
	}
	rows := len(m.b)
	out := make([]int64, n)
	for i := range n {
		if rows == 1 {
			out[i] = m.classes[0]
			if dec[i] > 0 {
				out[i] = m.classes[1]
			}
			continue
		}
		best := 0
		for k := 1; k < rows; k++ {
			if dec[i*rows+k] > dec[i*rows+best] {
				best = k
			}
		}
		out[i] = m.classes[best]
	}
	return tensor.FromSlice(out, n), nil
}

// Score returns the accuracy of Predict(X) against y.
func (m *LinearSVC) Score(X, y *tensor.Tensor) (float64, error) {
	p, err := m.Predict(X)
	if err != nil {
		return 0, err
	}
	if y == nil || y.Dim() != 1 || y.Size(0) != p.Size(0) {
		return 0, fmt.Errorf("linearsvc: Score: y must be 1-D with %d values", p.Size(0))
	}
	return scoring.Accuracy(y.Float64s(), p.Float64s()), nil
}
