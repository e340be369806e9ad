package svm

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/ember-ml/ember/tensor"
)

// SVC is scikit-learn's SVC with decision_function_shape "ovr".
type SVC struct {
	C         float64 // regularisation, > 0 (1.0)
	Kernel    string  // "rbf" (default), "linear", "poly" or "sigmoid"
	Degree    int     // poly degree (3)
	Gamma     string  // "scale" (default), "auto" or a positive number written as a string, e.g. "0.5"
	Coef0     float64 // poly and sigmoid offset (0)
	Tol       float64 // stopping tolerance (1e-3)
	MaxIter   int     // SMO iteration limit per pair, −1 for none
	CacheSize float64 // kernel row cache in MB (200); the cache is emptied when full

	Classes        *tensor.Tensor // sorted labels, int64 [classes]
	Support        *tensor.Tensor // indices of support vectors, int64 [nSV]
	SupportVectors *tensor.Tensor // float64 [nSV, features]
	NSupport       *tensor.Tensor // support vectors per class, int64 [classes]
	DualCoef       *tensor.Tensor // float64 [classes−1, nSV]
	Intercept      *tensor.Tensor // float64 [classes·(classes−1)/2]
	NFeaturesIn    int
	FitGamma       float64 // the gamma used

	classes []int64
	sv      []float64
	nsv     []int
	coef    [][]float64
	rho     []float64 // libsvm's rho per pair
	d       int
}

// NewSVC returns an SVC with scikit-learn's defaults.
func NewSVC() *SVC {
	return &SVC{C: 1, Kernel: "rbf", Degree: 3, Gamma: "scale", Tol: 1e-3, MaxIter: -1, CacheSize: 200}
}

func readX(op string, X *tensor.Tensor) ([]float64, int, int, error) {
	if X == nil {
		return nil, 0, 0, fmt.Errorf("%s: X is nil", op)
	}
	if X.Dim() != 2 || X.Size(0) == 0 || X.Size(1) == 0 {
		return nil, 0, 0, fmt.Errorf("%s: X must be 2-D [samples, features] and non-empty, got shape %v", op, X.Shape())
	}
	if X.DType() == tensor.Bool {
		return nil, 0, 0, fmt.Errorf("%s: X must be numeric, got bool", op)
	}
	v := X.Float64s()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, 0, 0, fmt.Errorf("%s: X contains %g at flat index %d", op, x, i)
		}
	}
	return v, X.Size(0), X.Size(1), nil
}

func (s *SVC) kernel(a, b []float64) float64 {
	switch s.Kernel {
	case "linear":
		return dot(a, b)
	case "poly":
		return math.Pow(s.FitGamma*dot(a, b)+s.Coef0, float64(s.Degree))
	case "sigmoid":
		return math.Tanh(s.FitGamma*dot(a, b) + s.Coef0)
	}
	var d float64
	for i := range a {
		t := a[i] - b[i]
		d += t * t
	}
	return math.Exp(-s.FitGamma * d)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Fit trains one binary SMO problem per pair of classes on X [samples, features] and the
// integer labels y [samples].
func (s *SVC) Fit(X, y *tensor.Tensor) error {
	const op = "svc: Fit"
	if !(s.C > 0) {
		return fmt.Errorf("%s: C must be > 0, got %g", op, s.C)
	}
	if !(s.Tol > 0) {
		return fmt.Errorf("%s: Tol must be > 0, got %g", op, s.Tol)
	}
	switch s.Kernel {
	case "rbf", "linear", "poly", "sigmoid":
	default:
		return fmt.Errorf("%s: unknown kernel %q", op, s.Kernel)
	}
	if s.Kernel == "poly" && s.Degree < 0 {
		return fmt.Errorf("%s: Degree must be ≥ 0, got %d", op, s.Degree)
	}
	x, n, d, err := readX(op, X)
	if err != nil {
		return err
	}
	if y == nil || y.Dim() != 1 || y.Size(0) != n {
		return fmt.Errorf("%s: y must be 1-D with %d values", op, n)
	}
	yv := y.Float64s()
	lab := make([]int64, n)
	for i, v := range yv {
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: class labels must be integers, got y[%d] = %g", op, i, v)
		}
		lab[i] = int64(v)
	}
	classes := slices.Compact(slices.Sorted(slices.Values(lab)))
	if len(classes) < 2 {
		return fmt.Errorf("%s: need at least 2 classes, got %d", op, len(classes))
	}
	switch s.Gamma {
	case "scale":
		var m, v float64
		for _, t := range x {
			m += t
		}
		m /= float64(len(x))
		for _, t := range x {
			v += (t - m) * (t - m)
		}
		v /= float64(len(x))
		s.FitGamma = 1
		if v != 0 {
			s.FitGamma = 1 / (float64(d) * v)
		}
	case "auto":
		s.FitGamma = 1 / float64(d)
	default:
		g, err := strconv.ParseFloat(s.Gamma, 64)
		if err != nil || !(g > 0) || math.IsInf(g, 0) {
			return fmt.Errorf("%s: Gamma must be \"scale\", \"auto\" or a positive number, got %q", op, s.Gamma)
		}
		s.FitGamma = g
	}
	nc := len(classes)
	byClass := make([][]int, nc)
	for i, l := range lab {
		c, _ := slices.BinarySearch(classes, l)
		byClass[c] = append(byClass[c], i)
	}
	row := func(i int) []float64 { return x[i*d : (i+1)*d] }
	// alpha per pair, indexed by position in (byClass[i] ++ byClass[j]).
	type pairRes struct {
		alpha []float64
		rho   float64
	}
	res := make([][]pairRes, nc)
	nonzero := make([]bool, n)
	for i := range nc {
		res[i] = make([]pairRes, nc)
		for j := i + 1; j < nc; j++ {
			idx := append(append([]int(nil), byClass[i]...), byClass[j]...)
			ys := make([]float64, len(idx))
			for k := range idx {
				ys[k] = 1
				if k >= len(byClass[i]) {
					ys[k] = -1
				}
			}
			a, rho := s.solve(idx, ys, row)
			res[i][j] = pairRes{a, rho}
			for k, t := range idx {
				if a[k] > 0 {
					nonzero[t] = true
				}
			}
		}
	}
	// Support vectors grouped by class, sorted by index within a class.
	var sup []int
	nsv := make([]int, nc)
	start := make([]int, nc)
	pos := make(map[int]int)
	for c := range nc {
		start[c] = len(sup)
		for _, t := range byClass[c] {
			if nonzero[t] {
				pos[t] = len(sup)
				sup = append(sup, t)
				nsv[c]++
			}
		}
	}
	nSV := len(sup)
	coef := make([][]float64, nc-1)
	for r := range coef {
		coef[r] = make([]float64, nSV)
	}
	var rho []float64
	for i := range nc {
		for j := i + 1; j < nc; j++ {
			pr := res[i][j]
			ni := len(byClass[i])
			for k, a := range pr.alpha {
				if a == 0 {
					continue
				}
				if k < ni {
					coef[j-1][pos[byClass[i][k]]] = a
				} else {
					coef[i][pos[byClass[j][k-ni]]] = -a
				}
			}
			rho = append(rho, pr.rho)
		}
	}
	s.classes, s.nsv, s.coef, s.rho, s.d = classes, nsv, coef, rho, d
	s.sv = make([]float64, 0, nSV*d)
	sup64 := make([]int64, nSV)
	for k, t := range sup {
		s.sv = append(s.sv, row(t)...)
		sup64[k] = int64(t)
	}
	s.NFeaturesIn = d
	s.Classes = tensor.FromSlice(slices.Clone(classes), nc)
	s.Support = tensor.FromSlice(sup64, nSV)
	s.SupportVectors = tensor.FromSlice(slices.Clone(s.sv), nSV, d)
	ns := make([]int64, nc)
	for c, v := range nsv {
		ns[c] = int64(v)
	}
	s.NSupport = tensor.FromSlice(ns, nc)
	flat := make([]float64, 0, (nc-1)*nSV)
	for _, r := range coef {
		flat = append(flat, r...)
	}
	ic := make([]float64, len(rho))
	sign := 1.0
	if nc == 2 {
		sign = -1 // scikit-learn flips the binary problem so positive means Classes[1]
	}
	for k, r := range rho {
		ic[k] = -r * sign
	}
	for k := range flat {
		flat[k] *= sign
	}
	s.DualCoef = tensor.FromSlice(flat, nc-1, nSV)
	s.Intercept = tensor.FromSlice(ic, len(ic))
	return nil
}

// solve runs SMO with WSS 2 on the samples idx with labels ys (±1) and returns α and ρ.
func (s *SVC) solve(idx []int, ys []float64, row func(int) []float64) ([]float64, float64) {
	l := len(idx)
	const tau = 1e-12
	cache := make(map[int][]float64)
	q := func(i int) []float64 {
		if r, ok := cache[i]; ok {
			return r
		}
		if float64(len(cache)+1)*float64(l)*8 > s.CacheSize*(1<<20) {
			clear(cache)
		}
		r := make([]float64, l)
		xi := row(idx[i])
		for t := range l {
			r[t] = ys[i] * ys[t] * s.kernel(xi, row(idx[t]))
		}
		cache[i] = r
		return r
	}
	qd := make([]float64, l)
	for t := range l {
		xt := row(idx[t])
		qd[t] = s.kernel(xt, xt)
	}
	alpha := make([]float64, l)
	G := make([]float64, l)
	for t := range G {
		G[t] = -1
	}
	C := s.C
	up := func(t int) bool { return (ys[t] > 0 && alpha[t] < C) || (ys[t] < 0 && alpha[t] > 0) }
	low := func(t int) bool { return (ys[t] > 0 && alpha[t] > 0) || (ys[t] < 0 && alpha[t] < C) }
	for iter := 0; s.MaxIter < 0 || iter < s.MaxIter; iter++ {
		gmax, gmax2, i := math.Inf(-1), math.Inf(-1), -1
		for t := range l {
			if up(t) && -ys[t]*G[t] >= gmax {
				gmax, i = -ys[t]*G[t], t
			}
		}
		if i < 0 {
			break
		}
		qi := q(i)
		j, objMin := -1, math.Inf(1)
		for t := range l {
			if !low(t) {
				continue
			}
			yg := ys[t] * G[t]
			if yg >= gmax2 {
				gmax2 = yg
			}
			b := gmax + yg
			if b > 0 {
				a := qd[i] + qd[t] - 2*ys[i]*qi[t]
				if a <= 0 {
					a = tau
				}
				if -b*b/a <= objMin {
					j, objMin = t, -b*b/a
				}
			}
		}
		if gmax+gmax2 < s.Tol || j < 0 {
			break
		}
		qj := q(j)
		oi, oj := alpha[i], alpha[j]
		if ys[i] != ys[j] {
			a := qd[i] + qd[j] + 2*qi[j]
			if a <= 0 {
				a = tau
			}
			delta := (-G[i] - G[j]) / a
			diff := alpha[i] - alpha[j]
			alpha[i] += delta
			alpha[j] += delta
			if diff > 0 && alpha[j] < 0 {
				alpha[j], alpha[i] = 0, diff
			} else if diff <= 0 && alpha[i] < 0 {
				alpha[i], alpha[j] = 0, -diff
			}
			if diff > 0 && alpha[i] > C {
				alpha[i], alpha[j] = C, C-diff
			} else if diff <= 0 && alpha[j] > C {
				alpha[j], alpha[i] = C, C+diff
			}
		} else {
			a := qd[i] + qd[j] - 2*qi[j]
			if a <= 0 {
				a = tau
			}
			delta := (G[i] - G[j]) / a
			sum := alpha[i] + alpha[j]
			alpha[i] -= delta
			alpha[j] += delta
			if sum > C && alpha[i] > C {
				alpha[i], alpha[j] = C, sum-C
			} else if sum <= C && alpha[j] < 0 {
				alpha[j], alpha[i] = 0, sum
			}
			if sum > C && alpha[j] > C {
				alpha[j], alpha[i] = C, sum-C
			} else if sum <= C && alpha[i] < 0 {
				alpha[i], alpha[j] = 0, sum
			}
		}
		di, dj := alpha[i]-oi, alpha[j]-oj
		for t := range l {
			G[t] += qi[t]*di + qj[t]*dj
		}
	}
	// ρ as libsvm: mean of y·G over free α, else the middle of the feasible interval.
	ub, lb, sum, nfree := math.Inf(1), math.Inf(-1), 0.0, 0
	for t := range l {
		yg := ys[t] * G[t]
		switch {
		case alpha[t] >= C:
			if ys[t] < 0 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		case alpha[t] <= 0:
			if ys[t] > 0 {
				ub = min(ub, yg)
			} else {
				lb = max(lb, yg)
			}
		default:
			nfree++
			sum += yg
		}
	}
	rho := (ub + lb) / 2
	if nfree > 0 {
		rho = sum / float64(nfree)
	}
	for t := range alpha {
		alpha[t] *= ys[t] * ys[t] // α stays ≥ 0; the sign is applied by the caller
	}
	return alpha, rho
}

// raw returns libsvm's pairwise decision values [samples·pairs].
func (s *SVC) raw(op string, X *tensor.Tensor) ([]float64, int, error) {
	if s.classes == nil {
		return nil, 0, fmt.Errorf("%s: called before Fit", op)
	}
	x, n, d, err := readX(op, X)
	if err != nil {
		return nil, 0, err
	}
	if d != s.d {
		return nil, 0, fmt.Errorf("%s: X has %d features, the model was fitted on %d", op, d, s.d)
	}
	nc := len(s.classes)
	np := nc * (nc - 1) / 2
	nSV := len(s.sv) / d
	start := make([]int, nc)
	for c := 1; c < nc; c++ {
		start[c] = start[c-1] + s.nsv[c-1]
	}
	out := make([]float64, n*np)
	kv := make([]float64, nSV)
	for r := range n {
		xr := x[r*d : (r+1)*d]
		for k := range nSV {
			kv[k] = s.kernel(xr, s.sv[k*d:(k+1)*d])
		}
		p := 0
		for i := range nc {
			for j := i + 1; j < nc; j++ {
				var sum float64
				for k := start[i]; k < start[i]+s.nsv[i]; k++ {
					sum += s.coef[j-1][k] * kv[k]
				}
				for k := start[j]; k < start[j]+s.nsv[j]; k++ {
					sum += s.coef[i][k] * kv[k]
				}
				out[r*np+p] = sum - s.rho[p]
				p++
			}
		}
	}
	return out, n, nil
}

// DecisionFunction returns [samples] for two classes (positive favours Classes[1]) and
// scikit-learn's "ovr" transform of the one-vs-one values [samples, classes] otherwise.
func (s *SVC) DecisionFunction(X *tensor.Tensor) (*tensor.Tensor, error) {
	dec, n, err := s.raw("svc: DecisionFunction", X)
	if err != nil {
		return nil, err
	}
	nc := len(s.classes)
	if nc == 2 {
		for k := range dec {
			dec[k] = -dec[k]
		}
		return tensor.FromSlice(dec, n), nil
	}
	np := nc * (nc - 1) / 2
	out := make([]float64, n*nc)
	conf := make([]float64, nc)
	for r := range n {
		clear(conf)
		p := 0
		for i := range nc {
			for j := i + 1; j < nc; j++ {
				v := dec[r*np+p]
				conf[i] += v
				conf[j] -= v
				if v > 0 {
					out[r*nc+i]++
				} else {
					out[r*nc+j]++
				}
				p++
			}
		}
		for c := range nc {
			out[r*nc+c] += conf[c] / (3 * (math.Abs(conf[c]) + 1))
		}
	}
	return tensor.FromSlice(out, n, nc), nil
}

// Predict returns the class of each row of X by libsvm's one-vs-one vote (ties go to the
// lower class), int64 [samples].
func (s *SVC) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	dec, n, err := s.raw("svc: Predict", X)
	if err != nil {
		return nil, err
	}
	nc := len(s.classes)
	np := nc * (nc - 1) / 2
	out := make([]int64, n)
	votes := make([]int, nc)
	for r := range n {
		clear(votes)
		p := 0
		for i := range nc {
			for j := i + 1; j < nc; j++ {
				if dec[r*np+p] > 0 {
					votes[i]++
				} else {
					votes[j]++
				}
				p++
			}
		}
		best := 0
		for c := range nc {
			if votes[c] > votes[best] {
				best = c
			}
		}
		out[r] = s.classes[best]
	}
	return tensor.FromSlice(out, n), nil
}

// Score returns the accuracy of Predict(X) against y.
func (s *SVC) Score(X, y *tensor.Tensor) (float64, error) {
	p, err := s.Predict(X)
	if err != nil {
		return 0, err
	}
	if y == nil || y.Dim() != 1 || y.Size(0) != p.Size(0) {
		return 0, fmt.Errorf("svc: Score: y must be 1-D with %d values", p.Size(0))
	}
	pv, yv := p.Float64s(), y.Float64s()
	ok := 0
	for i := range pv {
		if pv[i] == yv[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(pv)), nil
}
