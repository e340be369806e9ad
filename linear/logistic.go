package linear

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
	"gonum.org/v1/gonum/mat"
)

// LogisticRegression is scikit-learn 1.2's LogisticRegression with the lbfgs solver: for
// two classes it minimises the binary log-loss Σ log(1 + exp(−s·(x·w + b))) (s = ±1, the
// larger class positive), for three or more the multinomial (softmax) log-loss, plus
// ‖W‖²/(2C) for Penalty "l2" (the intercept is not penalised). L-BFGS (10 corrections,
// backtracking line search) starts from zero and stops when the largest gradient entry is
// ≤ Tol, when the loss falls by ≤ 2.2e-9 relatively in an iteration (scipy's default
// ftol), or after MaxIter iterations. The optimum is scipy's; the path to it is not.
type LogisticRegression struct {
	Penalty      string  // "l2" (default) or "none"
	C            float64 // inverse penalty strength, > 0 (default 1)
	FitIntercept bool    // fit an intercept per class (default true)
	MaxIter      int     // most L-BFGS iterations (default 100)
	Tol          float64 // gradient tolerance, ≥ 0 (default 1e-4)
	// WarmStart starts L-BFGS from the previous fit's coefficients when it had the same
	// classes and features (default false: from zero).
	WarmStart bool

	Classes     *tensor.Tensor // sorted distinct labels, int64 [classes]
	Coef        *tensor.Tensor // float64 [1, features] for two classes, else [classes, features]
	Intercept   *tensor.Tensor // float64 [1] or [classes]
	NIter       int            // L-BFGS iterations run
	NFeaturesIn int            // features seen by Fit

	classes []int64
	w       *mat.Dense // [rows, features]
	b       []float64  // [rows]
}

// NewLogisticRegression returns a LogisticRegression with scikit-learn's defaults.
func NewLogisticRegression() *LogisticRegression {
	return &LogisticRegression{Penalty: "l2", C: 1, FitIntercept: true, MaxIter: 100, Tol: 1e-4}
}

func (l *LogisticRegression) check(op string) error {
	switch {
	case l.Penalty != "l2" && l.Penalty != "none":
		return fmt.Errorf("%s: Penalty must be \"l2\" or \"none\", got %q", op, l.Penalty)
	case !(l.C > 0) || math.IsInf(l.C, 0):
		return fmt.Errorf("%s: C must be a finite number > 0, got %g", op, l.C)
	case l.MaxIter <= 0:
		return fmt.Errorf("%s: MaxIter must be > 0, got %d", op, l.MaxIter)
	}
	return checkNonNegative(op, "Tol", l.Tol)
}

// Fit fits the model on X [samples, features] and integer labels y [samples].
func (l *LogisticRegression) Fit(X, y *tensor.Tensor) error {
	const op = "logistic regression"
	if err := l.check(op); err != nil {
		return err
	}
	x, err := inputs.ReadDense(op, X)
	if err != nil {
		return err
	}
	n, d := x.Dims()
	yv, err := readY1(op, y, n)
	if err != nil {
		return err
	}
	classes, enc, err := encodeLabels(op, yv)
	if err != nil {
		return err
	}
	if len(classes) < 2 {
		return fmt.Errorf("%s: needs samples of at least 2 classes in the data, but the data contains only one class: %d", op, classes[0])
	}
	p := &logLoss{x: x, y: enc, rows: len(classes), l2: 1 / l.C, intercept: l.FitIntercept}
	if len(classes) == 2 {
		p.rows = 1
	}
	if l.Penalty == "none" {
		p.l2 = 0
	}
	theta, iters := p.minimize(l.start(p, classes, d), l.MaxIter, l.Tol)
	l.classes, l.NIter, l.NFeaturesIn = classes, iters, d
	l.w = mat.NewDense(p.rows, d, theta[:p.rows*d])
	l.b = make([]float64, p.rows)
	if l.FitIntercept {
		copy(l.b, theta[p.rows*d:])
	}
	l.Classes = tensor.FromSlice(slices.Clone(classes), len(classes))
	l.Coef, l.Intercept = toTensor(l.w), tensor.FromSlice(slices.Clone(l.b), p.rows)
	return nil
}

// scores returns X·Wᵀ + b [samples, rows].
func (l *LogisticRegression) scores(op string, X *tensor.Tensor) (*mat.Dense, error) {
	x, err := inputs.ReadFittedDense(op, X, l.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	var s mat.Dense
	s.Mul(x, l.w.T())
	n, r := s.Dims()
	for i := range n {
		for k := range r {
			s.Set(i, k, s.At(i, k)+l.b[k])
		}
	}
	return &s, nil
}

// DecisionFunction returns X·Coefᵀ + Intercept: [samples] for two classes (positive
// favours the larger class), else [samples, classes].
func (l *LogisticRegression) DecisionFunction(X *tensor.Tensor) (*tensor.Tensor, error) {
	s, err := l.scores("logistic regression: DecisionFunction", X)
	if err != nil {
		return nil, err
	}
	return shaped(s, len(l.classes) == 2), nil
}

// PredictLogProba returns the log-probabilities of the classes [samples, classes].
func (l *LogisticRegression) PredictLogProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	lp, err := l.logProba("logistic regression: PredictLogProba", X)
	if err != nil {
		return nil, err
	}
	return toTensor(lp), nil
}

// PredictProba returns the class probabilities [samples, classes] in the order of Classes:
// the logistic function of the decision for two classes, else its softmax.
func (l *LogisticRegression) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	lp, err := l.logProba("logistic regression: PredictProba", X)
	if err != nil {
		return nil, err
	}
	lp.Apply(func(_, _ int, v float64) float64 { return math.Exp(v) }, lp)
	return toTensor(lp), nil
}

func (l *LogisticRegression) logProba(op string, X *tensor.Tensor) (*mat.Dense, error) {
	s, err := l.scores(op, X)
	if err != nil {
		return nil, err
	}
	n, _ := s.Dims()
	out := mat.NewDense(n, len(l.classes), nil)
	for i := range n {
		row := out.RawRowView(i)
		if len(l.classes) == 2 {
			z := s.At(i, 0)
			row[0], row[1] = -softplus(z), -softplus(-z)
			continue
		}
		copy(row, s.RawRowView(i))
		lse := logSumExp(row)
		for k := range row {
			row[k] -= lse
		}
	}
	return out, nil
}

// Predict returns the most probable class of each sample, int64 [samples] (ties: the
// smaller class).
func (l *LogisticRegression) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	pred, err := l.predict("logistic regression: Predict", X)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(pred, len(pred)), nil
}

func (l *LogisticRegression) predict(op string, X *tensor.Tensor) ([]int64, error) {
	s, err := l.scores(op, X)
	if err != nil {
		return nil, err
	}
	n, r := s.Dims()
	pred := make([]int64, n)
	for i := range n {
		if r == 1 {
			pred[i] = l.classes[0]
			if s.At(i, 0) > 0 {
				pred[i] = l.classes[1]
			}
			continue
		}
		pred[i] = l.classes[argmax(s.RawRowView(i))]
	}
	return pred, nil
}

// Score returns the accuracy of Predict(X) against the labels y.
func (l *LogisticRegression) Score(X, y *tensor.Tensor) (float64, error) {
	const op = "logistic regression: Score"
	pred, err := l.predict(op, X)
	if err != nil {
		return 0, err
	}
	yv, err := readY1(op, y, len(pred))
	if err != nil {
		return 0, err
	}
	hit := 0
	for i, p := range pred {
		if float64(p) == yv[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(pred)), nil
}

// logLoss is the penalised log-loss over θ = (W [rows, features] row-major, b [rows]).
type logLoss struct {
	x         *mat.Dense
	y         []int // class index of each sample
	rows      int   // 1 (binary) or the number of classes
	l2        float64
	intercept bool
}

// start returns the initial θ: zero, or the previous fit's with WarmStart.
func (l *LogisticRegression) start(p *logLoss, classes []int64, d int) []float64 {
	size := p.rows * d
	if p.intercept {
		size += p.rows
	}
	theta := make([]float64, size)
	if l.WarmStart && l.w != nil && l.NFeaturesIn == d && slices.Equal(l.classes, classes) {
		copy(theta, l.w.RawMatrix().Data)
		if p.intercept {
			copy(theta[p.rows*d:], l.b)
		}
	}
	return theta
}

// minimize runs L-BFGS from theta and returns the optimum found and the iterations run.
func (p *logLoss) minimize(theta []float64, maxIter int, tol float64) ([]float64, int) {
	const ftol = 2.220446049250313e-09 // scipy L-BFGS-B's default
	return lbfgs(p.eval, theta, 10, maxIter, tol, ftol)
}

// eval returns the loss at theta and, when grad is not nil, writes its gradient.
func (p *logLoss) eval(theta, grad []float64) float64 {
	n, d := p.x.Dims()
	w := mat.NewDense(p.rows, d, theta[:p.rows*d])
	var s mat.Dense
	s.Mul(p.x, w.T()) // [n, rows]
	if p.intercept {
		for i := range n {
			row := s.RawRowView(i)
			for k := range row {
				row[k] += theta[p.rows*d+k]
			}
		}
	}
	loss := 0.0
	resid := mat.NewDense(n, p.rows, nil) // ∂loss/∂score
	for i := range n {
		loss += p.sampleLoss(s.RawRowView(i), p.y[i], resid.RawRowView(i))
	}
	loss += 0.5 * p.l2 * vdot(theta[:p.rows*d], theta[:p.rows*d])
	if grad == nil {
		return loss
	}
	gw := mat.NewDense(p.rows, d, grad[:p.rows*d])
	gw.Mul(resid.T(), p.x)
	for j := range p.rows * d {
		grad[j] += p.l2 * theta[j]
	}
	if p.intercept {
		for k := range p.rows {
			grad[p.rows*d+k] = 0
			for i := range n {
				grad[p.rows*d+k] += resid.At(i, k)
			}
		}
	}
	return loss
}

// sampleLoss returns one sample's loss from its scores and writes ∂loss/∂score to g.
func (p *logLoss) sampleLoss(s []float64, y int, g []float64) float64 {
	if p.rows == 1 {
		z := s[0]
		g[0] = sigmoid(z) - float64(y)
		return softplus(z) - float64(y)*z
	}
	lse := logSumExp(s)
	for k, v := range s {
		g[k] = math.Exp(v - lse)
	}
	g[y]--
	return lse - s[y]
}

// softplus is log(1 + eˣ), computed without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func logSumExp(v []float64) float64 {
	m := slices.Max(v)
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// encodeLabels returns the sorted distinct integer labels of y and each sample's class index.
func encodeLabels(op string, y []float64) ([]int64, []int, error) {
	for i, v := range y {
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, nil, fmt.Errorf("%s: class labels must be integers, got y[%d] = %g", op, i, v)
		}
	}
	classes := make([]int64, len(y))
	for i, v := range y {
		classes[i] = int64(v)
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	enc := make([]int, len(y))
	for i, v := range y {
		enc[i], _ = slices.BinarySearch(classes, int64(v))
	}
	return classes, enc, nil
}
