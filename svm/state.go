package svm

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

// Persistence: MarshalState returns an estimator's settings and scalar fitted attributes as
// JSON (the Go field names) and its fitted arrays under scikit-learn's names without the
// trailing underscore ("support_vectors", "dual_coef", "intercept", …). UnmarshalState
// checks the settings as Fit does and every array's dtype, shape and values (finite, class
// counts summing to the number of support vectors, sorted distinct classes), so corrupted
// state is an error, never a panic later.

// stateLen returns the length of the 1-D array arrays[name].
func stateLen(op string, arrays map[string]*tensor.Tensor, name string) (int, error) {
	t, ok := arrays[name]
	if !ok || t == nil {
		return 0, fmt.Errorf("%s: missing array %q", op, name)
	}
	if t.Dim() != 1 {
		return 0, fmt.Errorf("%s: array %q must be 1-D, got shape %v", op, name, t.Shape())
	}
	return t.Size(0), nil
}

// stateClasses returns the sorted distinct int64 labels arrays["classes"] (at least two).
func stateClasses(op string, arrays map[string]*tensor.Tensor) ([]int64, error) {
	n, err := stateLen(op, arrays, "classes")
	if err != nil {
		return nil, err
	}
	t, err := state.Array(op, arrays, "classes", tensor.Int64, n)
	if err != nil {
		return nil, err
	}
	c := t.Int64s()
	if len(c) < 2 {
		return nil, fmt.Errorf("%s: need at least 2 classes, got %d", op, len(c))
	}
	for i := 1; i < len(c); i++ {
		if c[i] <= c[i-1] {
			return nil, fmt.Errorf("%s: classes must be sorted and distinct, got %v", op, c)
		}
	}
	return c, nil
}

// stateSupport returns the support indices (≥ 0) and support vectors [nSV, d].
func stateSupport(op string, arrays map[string]*tensor.Tensor, d int) ([]int, []float64, error) {
	nSV, err := stateLen(op, arrays, "support")
	if err != nil {
		return nil, nil, err
	}
	t, err := state.Array(op, arrays, "support", tensor.Int64, nSV)
	if err != nil {
		return nil, nil, err
	}
	sup := make([]int, nSV)
	for k, v := range t.Int64s() {
		if v < 0 || v > math.MaxInt32 {
			return nil, nil, fmt.Errorf("%s: support index %d out of range at %d", op, v, k)
		}
		sup[k] = int(v)
	}
	sv, _, err := state.Floats(op, arrays, "support_vectors", nSV, d)
	if err != nil {
		return nil, nil, err
	}
	return sup, sv, nil
}

// kernelSettings are the kernel fields shared by SVC and SVR states.
type kernelSettings struct {
	C           float64
	Kernel      string
	Degree      int
	Gamma       string
	Coef0       float64
	Shrinking   bool
	Tol         float64
	CacheSize   float64
	MaxIter     int
	FitGamma    float64
	NFeaturesIn int
}

func (k kernelSettings) check(op string) (kernelSpec, error) {
	if !(k.C > 0) || math.IsInf(k.C, 0) {
		return kernelSpec{}, fmt.Errorf("%s: C must be > 0, got %g", op, k.C)
	}
	if err := checkKernel(op, k.Kernel, k.Degree); err != nil {
		return kernelSpec{}, err
	}
	if !(k.Tol > 0) {
		return kernelSpec{}, fmt.Errorf("%s: Tol must be > 0, got %g", op, k.Tol)
	}
	if !(k.CacheSize > 0) {
		return kernelSpec{}, fmt.Errorf("%s: CacheSize must be > 0 MB, got %g", op, k.CacheSize)
	}
	if _, err := resolveGamma(op, k.Gamma, []float64{0}, 1); err != nil {
		return kernelSpec{}, err
	}
	if !(k.FitGamma > 0) || math.IsInf(k.FitGamma, 0) {
		return kernelSpec{}, fmt.Errorf("%s: FitGamma must be > 0, got %g", op, k.FitGamma)
	}
	if math.IsNaN(k.Coef0) || math.IsInf(k.Coef0, 0) {
		return kernelSpec{}, fmt.Errorf("%s: Coef0 must be finite, got %g", op, k.Coef0)
	}
	if k.NFeaturesIn < 1 {
		return kernelSpec{}, fmt.Errorf("%s: NFeaturesIn must be ≥ 1, got %d", op, k.NFeaturesIn)
	}
	return kernelSpec{kind: k.Kernel, gamma: k.FitGamma, coef0: k.Coef0, degree: k.Degree}, nil
}

type svcState struct {
	kernelSettings
	Probability bool
	RandomState uint64
}

// MarshalState returns the SVC's settings and scalar fitted attributes as JSON, and
// classes, support, support_vectors, n_support, dual_coef, intercept (scikit-learn's
// layout and signs), n_iter and, with Probability, prob_a and prob_b. It is an error
// before Fit.
func (s *SVC) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "svc: marshal state"
	if s.classes == nil {
		return nil, nil, fmt.Errorf("%s: called before Fit", op)
	}
	params, err := state.MarshalParams(op, svcState{kernelSettings{s.C, s.Kernel, s.Degree, s.Gamma, s.Coef0, s.Shrinking, s.Tol,
		s.CacheSize, s.MaxIter, s.FitGamma, s.NFeaturesIn}, s.Probability, s.RandomState})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{
		"classes": s.Classes, "support": s.Support, "support_vectors": s.SupportVectors,
		"n_support": s.NSupport, "dual_coef": s.DualCoef, "intercept": s.Intercept, "n_iter": s.NIter,
	}
	if s.probA != nil {
		arrays["prob_a"], arrays["prob_b"] = s.ProbA, s.ProbB
	}
	return params, arrays, nil
}

// UnmarshalState restores a fitted SVC from what MarshalState returned, checking it.
func (s *SVC) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "svc: unmarshal state"
	var st svcState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	ks, err := st.check(op)
	if err != nil {
		return err
	}
	d := st.NFeaturesIn
	classes, err := stateClasses(op, arrays)
	if err != nil {
		return err
	}
	nc := len(classes)
	np := nc * (nc - 1) / 2
	sup, sv, err := stateSupport(op, arrays, d)
	if err != nil {
		return err
	}
	nSV := len(sup)
	nst, err := state.Array(op, arrays, "n_support", tensor.Int64, nc)
	if err != nil {
		return err
	}
	nsv := make([]int, nc)
	total := 0
	for c, v := range nst.Int64s() {
		if v < 0 || v > int64(nSV) {
			return fmt.Errorf("%s: n_support[%d] = %d out of range [0, %d]", op, c, v, nSV)
		}
		nsv[c] = int(v)
		total += int(v)
	}
	if total != nSV {
		return fmt.Errorf("%s: n_support sums to %d, want %d support vectors", op, total, nSV)
	}
	flat, _, err := state.Floats(op, arrays, "dual_coef", nc-1, nSV)
	if err != nil {
		return err
	}
	ic, _, err := state.Floats(op, arrays, "intercept", np)
	if err != nil {
		return err
	}
	it, err := state.Array(op, arrays, "n_iter", tensor.Int64, np)
	if err != nil {
		return err
	}
	for k, v := range it.Int64s() {
		if v < 0 {
			return fmt.Errorf("%s: n_iter[%d] = %d is negative", op, k, v)
		}
	}
	var probA, probB []float64
	_, hasA := arrays["prob_a"]
	_, hasB := arrays["prob_b"]
	if st.Probability != hasA || hasA != hasB {
		return fmt.Errorf("%s: prob_a and prob_b must be present exactly when Probability is set", op)
	}
	if hasA {
		if probA, _, err = state.Floats(op, arrays, "prob_a", np); err != nil {
			return err
		}
		if probB, _, err = state.Floats(op, arrays, "prob_b", np); err != nil {
			return err
		}
	}
	sign := 1.0
	if nc == 2 {
		sign = -1
	}
	coef := make([][]float64, nc-1)
	for r := range coef {
		coef[r] = make([]float64, nSV)
		for k := range nSV {
			coef[r][k] = flat[r*nSV+k] * sign
		}
	}
	rho := make([]float64, np)
	for k, v := range ic {
		rho[k] = -v * sign
	}
	*s = SVC{C: st.C, Kernel: st.Kernel, Degree: st.Degree, Gamma: st.Gamma, Coef0: st.Coef0, Shrinking: st.Shrinking,
		Probability: st.Probability, Tol: st.Tol, CacheSize: st.CacheSize, MaxIter: st.MaxIter, RandomState: st.RandomState,
		FitGamma: st.FitGamma}
	s.setFitted(ks, classes, sup, sv, nsv, coef, rho, probA, probB, d)
	s.NIter = tensor.FromSlice(it.Int64s(), np)
	return nil
}

type svrState struct {
	kernelSettings
	Epsilon float64
	NIter   int
}

// MarshalState returns the SVR's settings and scalar fitted attributes as JSON, and
// support, support_vectors, dual_coef and intercept. It is an error before Fit.
func (m *SVR) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "svr: marshal state"
	if m.d == 0 {
		return nil, nil, fmt.Errorf("%s: called before Fit", op)
	}
	params, err := state.MarshalParams(op, svrState{kernelSettings{m.C, m.Kernel, m.Degree, m.Gamma, m.Coef0, m.Shrinking, m.Tol,
		m.CacheSize, m.MaxIter, m.FitGamma, m.NFeaturesIn}, m.Epsilon, m.NIter})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{
		"support": m.Support, "support_vectors": m.SupportVectors, "dual_coef": m.DualCoef, "intercept": m.Intercept,
	}, nil
}

// UnmarshalState restores a fitted SVR from what MarshalState returned, checking it.
func (m *SVR) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "svr: unmarshal state"
	var st svrState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	ks, err := st.check(op)
	if err != nil {
		return err
	}
	if !(st.Epsilon >= 0) || math.IsInf(st.Epsilon, 0) {
		return fmt.Errorf("%s: Epsilon must be ≥ 0, got %g", op, st.Epsilon)
	}
	if st.NIter < 0 {
		return fmt.Errorf("%s: NIter must be ≥ 0, got %d", op, st.NIter)
	}
	sup, sv, err := stateSupport(op, arrays, st.NFeaturesIn)
	if err != nil {
		return err
	}
	coef, _, err := state.Floats(op, arrays, "dual_coef", 1, len(sup))
	if err != nil {
		return err
	}
	ic, _, err := state.Floats(op, arrays, "intercept", 1)
	if err != nil {
		return err
	}
	*m = SVR{C: st.C, Epsilon: st.Epsilon, Kernel: st.Kernel, Degree: st.Degree, Gamma: st.Gamma, Coef0: st.Coef0,
		Shrinking: st.Shrinking, Tol: st.Tol, CacheSize: st.CacheSize, MaxIter: st.MaxIter, FitGamma: st.FitGamma,
		NIter: st.NIter}
	m.setFitted(ks, sup, sv, coef, -ic[0], st.NFeaturesIn)
	return nil
}

type linearSVCState struct {
	C                float64
	Loss             string
	Tol              float64
	MaxIter          int
	FitIntercept     bool
	InterceptScaling float64
	RandomState      uint64
	NIter            int
	NFeaturesIn      int
}

// MarshalState returns the LinearSVC's settings and scalar fitted attributes as JSON, and
// classes, coef and intercept. It is an error before Fit.
func (m *LinearSVC) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "linearsvc: marshal state"
	if m.classes == nil {
		return nil, nil, fmt.Errorf("%s: called before Fit", op)
	}
	params, err := state.MarshalParams(op, linearSVCState{m.C, m.Loss, m.Tol, m.MaxIter, m.FitIntercept, m.InterceptScaling,
		m.RandomState, m.NIter, m.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	return params, map[string]*tensor.Tensor{"classes": m.Classes, "coef": m.Coef, "intercept": m.Intercept}, nil
}

// UnmarshalState restores a fitted LinearSVC from what MarshalState returned, checking it.
func (m *LinearSVC) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "linearsvc: unmarshal state"
	var st linearSVCState
	if err := state.UnmarshalParams(op, params, &st); err != nil {
		return err
	}
	if st.NFeaturesIn < 1 {
		return fmt.Errorf("%s: NFeaturesIn must be ≥ 1, got %d", op, st.NFeaturesIn)
	}
	classes, err := stateClasses(op, arrays)
	if err != nil {
		return err
	}
	rows := len(classes)
	if rows == 2 {
		rows = 1
	}
	w, _, err := state.Floats(op, arrays, "coef", rows, st.NFeaturesIn)
	if err != nil {
		return err
	}
	b, _, err := state.Floats(op, arrays, "intercept", rows)
	if err != nil {
		return err
	}
	v := LinearSVC{C: st.C, Loss: st.Loss, Tol: st.Tol, MaxIter: st.MaxIter, FitIntercept: st.FitIntercept,
		InterceptScaling: st.InterceptScaling, RandomState: st.RandomState,
		classes: classes, w: w, b: b, d: st.NFeaturesIn}
	if err := v.check(op); err != nil {
		return err
	}
	*m = v
	m.setTensors(st.NIter)
	return nil
}
