package svm

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/internal/scoring"
	"github.com/ember-ml/ember/tensor"
)

// SVC is scikit-learn's SVC with decision_function_shape "ovr".
type SVC struct {
	C           float64 // regularisation, > 0 (1.0)
	Kernel      string  // "rbf" (default), "linear", "poly" or "sigmoid"
	Degree      int     // poly degree (3)
	Gamma       string  // "scale" (default), "auto" or a positive number written as a string, e.g. "0.5"
	Coef0       float64 // poly and sigmoid offset (0)
	Shrinking   bool    // libsvm's shrinking heuristic (true); changes speed, not the solution beyond Tol
	Probability bool    // fit Platt scaling by 5-fold cross-validation, enabling PredictProba (false)
	Tol         float64 // stopping tolerance (1e-3)
	CacheSize   float64 // kernel row cache in MB per pair of classes (200), least recently used rows evicted
	MaxIter     int     // SMO iteration limit per pair, −1 for none
	RandomState uint64  // seed of the cross-validation folds when Probability is set

	Classes        *tensor.Tensor // sorted labels, int64 [classes]
	Support        *tensor.Tensor // indices of support vectors, int64 [nSV]
	SupportVectors *tensor.Tensor // float64 [nSV, features]
	NSupport       *tensor.Tensor // support vectors per class, int64 [classes]
	DualCoef       *tensor.Tensor // float64 [classes−1, nSV]
	Intercept      *tensor.Tensor // float64 [classes·(classes−1)/2]
	ProbA, ProbB   *tensor.Tensor // Platt sigmoid per pair, float64 [classes·(classes−1)/2]; nil unless Probability
	NIter          *tensor.Tensor // SMO iterations per pair, int64 [classes·(classes−1)/2]
	NFeaturesIn    int
	FitGamma       float64 // the gamma used

	ks      kernelSpec
	classes []int64
	sv      []float64
	nsv     []int
	coef    [][]float64
	rho     []float64 // libsvm's rho per pair
	probA   []float64
	probB   []float64
	d       int
}

// NewSVC returns an SVC with scikit-learn's defaults.
func NewSVC() *SVC {
	return &SVC{C: 1, Kernel: "rbf", Degree: 3, Gamma: "scale", Shrinking: true, Tol: 1e-3, MaxIter: -1, CacheSize: 200}
}

// readX validates X (2-D, at least one sample and feature, numeric, finite) and returns a
// row-major float64 copy and its shape.
func readX(op string, X *tensor.Tensor) ([]float64, int, int, error) {
	return inputs.ReadX(op, X, inputs.RejectNaN)
}

// readXLabels reads a classifier's training data: X as readX does and y as readLabels does.
func readXLabels(op string, X, y *tensor.Tensor) (x []float64, n, d int, lab []int64, err error) {
	if x, n, d, err = readX(op, X); err != nil {
		return nil, 0, 0, nil, err
	}
	if lab, err = readLabels(op, y, n); err != nil {
		return nil, 0, 0, nil, err
	}
	return x, n, d, lab, nil
}

// readLabels returns y as int64 class labels.
func readLabels(op string, y *tensor.Tensor, n int) ([]int64, error) {
	if y == nil || y.Dim() != 1 || y.Size(0) != n {
		var shape []int
		if y != nil {
			shape = y.Shape()
		}
		return nil, fmt.Errorf("%s: y must be 1-D with %d values (one per row of X), got shape %v", op, n, shape)
	}
	if y.DType() == tensor.Bool {
		return nil, fmt.Errorf("%s: y must be integer class labels, got bool", op)
	}
	lab := make([]int64, n)
	for i, v := range y.Float64s() {
		if v != math.Trunc(v) || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%s: class labels must be integers, got y[%d] = %g", op, i, v)
		}
		lab[i] = int64(v)
	}
	return lab, nil
}

func (s *SVC) check(op string) error {
	if !(s.C > 0) || math.IsInf(s.C, 0) {
		return fmt.Errorf("%s: C must be > 0, got %g", op, s.C)
	}
	if !(s.Tol > 0) {
		return fmt.Errorf("%s: Tol must be > 0, got %g", op, s.Tol)
	}
	if !(s.CacheSize > 0) {
		return fmt.Errorf("%s: CacheSize must be > 0 MB, got %g", op, s.CacheSize)
	}
	return checkKernel(op, s.Kernel, s.Degree)
}

// binaryFit solves one C-SVC problem on the rows of x (row-major, d features) with labels
// ys (±1) and returns α ≥ 0 (in row order) and libsvm's ρ.
func binaryFit(ks kernelSpec, x []float64, d int, ys []float64, cp, cn, tol, cacheMB float64, shrinking bool, maxIter int) ([]float64, float64, int) {
	l := len(ys)
	kr := newKernelRows(ks, slices.Clone(x), d)
	y := slices.Clone(ys)
	q := newSVCQ(kr, y, cacheMB)
	p := make([]float64, l)
	for t := range p {
		p[t] = -1
	}
	return solve(q, p, y, make([]float64, l), cp, cn, tol, shrinking, maxIter)
}

// Fit trains one binary SMO problem per pair of classes on X [samples, features] and the
// integer labels y [samples].
func (s *SVC) Fit(X, y *tensor.Tensor) error {
	const op = "svc: Fit"
	if err := s.check(op); err != nil {
		return err
	}
	x, n, d, lab, err := readXLabels(op, X, y)
	if err != nil {
		return err
	}
	classes := slices.Compact(slices.Sorted(slices.Values(lab)))
	if len(classes) < 2 {
		return fmt.Errorf("%s: need at least 2 classes, got %d", op, len(classes))
	}
	gamma, err := resolveGamma(op, s.Gamma, x, d)
	if err != nil {
		return err
	}
	ks := kernelSpec{kind: s.Kernel, gamma: gamma, coef0: s.Coef0, degree: s.Degree}
	nc := len(classes)
	byClass := make([][]int, nc)
	for i, l := range lab {
		c, _ := slices.BinarySearch(classes, l)
		byClass[c] = append(byClass[c], i)
	}
	// α per pair, indexed by position in (byClass[i] ++ byClass[j]).
	type pairRes struct {
		alpha []float64
		rho   float64
	}
	res := make([][]pairRes, nc)
	nonzero := make([]bool, n)
	var probA, probB []float64
	var iters []int64
	for i := range nc {
		res[i] = make([]pairRes, nc)
		for j := i + 1; j < nc; j++ {
			idx := append(append([]int(nil), byClass[i]...), byClass[j]...)
			ys := make([]float64, len(idx))
			xs := make([]float64, 0, len(idx)*d)
			for k, t := range idx {
				ys[k] = 1
				if k >= len(byClass[i]) {
					ys[k] = -1
				}
				xs = append(xs, x[t*d:(t+1)*d]...)
			}
			if s.Probability {
				seed := s.RandomState + uint64(len(probA))
				a, b := binaryProbability(ks, xs, d, ys, s.C, s.Tol, s.CacheSize, s.Shrinking, s.MaxIter, seed)
				probA, probB = append(probA, a), append(probB, b)
			}
			a, rho, it := binaryFit(ks, xs, d, ys, s.C, s.C, s.Tol, s.CacheSize, s.Shrinking, s.MaxIter)
			res[i][j] = pairRes{a, rho}
			iters = append(iters, int64(it))
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
	pos := make(map[int]int)
	for c := range nc {
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
	sv := make([]float64, 0, nSV*d)
	for _, t := range sup {
		sv = append(sv, x[t*d:(t+1)*d]...)
	}
	s.Kernel, s.FitGamma = ks.kind, gamma
	s.setFitted(ks, classes, sup, sv, nsv, coef, rho, probA, probB, d)
	s.NIter = tensor.FromSlice(iters, len(iters))
	return nil
}

// setFitted stores the libsvm model and builds the exported attributes from it.
func (s *SVC) setFitted(ks kernelSpec, classes []int64, sup []int, sv []float64, nsv []int, coef [][]float64, rho, probA, probB []float64, d int) {
	s.ks, s.classes, s.sv, s.nsv, s.coef, s.rho, s.probA, s.probB, s.d = ks, classes, sv, nsv, coef, rho, probA, probB, d
	nc, nSV := len(classes), len(sup)
	sup64 := make([]int64, nSV)
	for k, t := range sup {
		sup64[k] = int64(t)
	}
	s.NFeaturesIn = d
	s.Classes = tensor.FromSlice(slices.Clone(classes), nc)
	s.Support = tensor.FromSlice(sup64, nSV)
	s.SupportVectors = tensor.FromSlice(slices.Clone(sv), nSV, d)
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
	s.ProbA, s.ProbB = nil, nil
	if probA != nil {
		s.ProbA = tensor.FromSlice(slices.Clone(probA), len(probA))
		s.ProbB = tensor.FromSlice(slices.Clone(probB), len(probB))
	}
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
	parallelRows(n, nSV*d, func(lo, hi int) {
		kv := make([]float64, nSV)
		for r := lo; r < hi; r++ {
			s.ks.rowsAgainst(x[r*d:(r+1)*d], s.sv, d, kv)
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
	})
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
// lower class), int64 [samples]. With Probability it is still the vote, as in scikit-learn.
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

// PredictProba returns libsvm's probability estimates [samples, classes] (columns in
// Classes order, rows summing to 1): Platt's sigmoid per pair of classes, coupled by
// libsvm's method for more than two classes. It needs Probability set before Fit.
func (s *SVC) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	const op = "svc: PredictProba"
	if s.classes != nil && s.probA == nil {
		return nil, fmt.Errorf("%s: the model was fitted without Probability", op)
	}
	dec, n, err := s.raw(op, X)
	if err != nil {
		return nil, err
	}
	nc := len(s.classes)
	np := nc * (nc - 1) / 2
	out := make([]float64, n*nc)
	r := make([][]float64, nc)
	for i := range r {
		r[i] = make([]float64, nc)
	}
	const minProb = 1e-7
	for row := range n {
		p := 0
		for i := range nc {
			for j := i + 1; j < nc; j++ {
				v := sigmoidPredict(dec[row*np+p], s.probA[p], s.probB[p])
				r[i][j] = min(max(v, minProb), 1-minProb)
				r[j][i] = 1 - r[i][j]
				p++
			}
		}
		multiclassProbability(r, out[row*nc:(row+1)*nc])
	}
	return tensor.FromSlice(out, n, nc), nil
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
	return scoring.Accuracy(y.Float64s(), p.Float64s()), nil
}
