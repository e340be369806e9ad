// Package metrics implements scikit-learn's evaluation metrics with its definitions, defaults
// and layouts: accuracy, precision, recall, F-beta with every averaging mode and
// zero_division, confusion matrices, the classification report, ROC AUC, log loss, and the
// regression metrics MSE, MAE and R².
//
// Labels are integer class indices given as tensors (int64, or floats holding whole numbers)
// or slices; predictions of a classifier are labels, not scores, except for ROCAUC and
// LogLoss. Inputs of different lengths and invalid settings are errors, never panics.
package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

// Labels converts a tensor of class labels to ints; floats must hold whole numbers.
func Labels(t *tensor.Tensor) ([]int, error) {
	vals := t.Float64s()
	out := make([]int, len(vals))
	for i, v := range vals {
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("metrics: label %g at index %d is not a whole number (pass predicted classes, not scores)", v, i)
		}
		out[i] = int(v)
	}
	return out, nil
}

func pair(yTrue, yPred *tensor.Tensor) ([]int, []int, error) {
	a, err := Labels(yTrue)
	if err != nil {
		return nil, nil, err
	}
	b, err := Labels(yPred)
	if err != nil {
		return nil, nil, err
	}
	if len(a) != len(b) {
		return nil, nil, fmt.Errorf("metrics: found input variables with inconsistent numbers of samples: [%d, %d]", len(a), len(b))
	}
	if len(a) == 0 {
		return nil, nil, fmt.Errorf("metrics: empty input")
	}
	return a, b, nil
}

// uniqueLabels returns the sorted union of the labels.
func uniqueLabels(ls ...[]int) []int {
	var u []int
	for _, l := range ls {
		for _, v := range l {
			if !slices.Contains(u, v) {
				u = append(u, v)
			}
		}
	}
	slices.Sort(u)
	return u
}

// Accuracy returns the fraction of predictions equal to the truth.
func Accuracy(yTrue, yPred *tensor.Tensor) (float64, error) {
	a, b, err := pair(yTrue, yPred)
	if err != nil {
		return 0, err
	}
	return AccuracyOf(a, b), nil
}

// AccuracyOf is Accuracy on label slices of equal length.
func AccuracyOf(yTrue, yPred []int) float64 {
	n := 0
	for i := range yTrue {
		if yTrue[i] == yPred[i] {
			n++
		}
	}
	return float64(n) / float64(len(yTrue))
}

// Option configures the classification metrics.
type Option func(*config)

type config struct {
	average      string
	posLabel     int
	zeroDivision float64
	labels       []int
	beta         float64
	digits       int
	targetNames  []string
}

func build(opts []Option) config {
	c := config{average: "binary", posLabel: 1, beta: 1, digits: 2}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Average sets how per-class scores combine: "binary" (the default: the score of PosLabel,
// for two classes), "micro", "macro", "weighted", or "none" for per-class scores.
func Average(a string) Option { return func(c *config) { c.average = a } }

// PosLabel sets the positive class for average "binary" (default 1).
func PosLabel(l int) Option { return func(c *config) { c.posLabel = l } }

// ZeroDivision sets the value of a score whose denominator is 0: 0 (the default, which
// scikit-learn reaches through "warn"), 1, or math.NaN().
func ZeroDivision(v float64) Option { return func(c *config) { c.zeroDivision = v } }

// WithLabels fixes the set and order of classes (default: the sorted union of both inputs).
func WithLabels(l ...int) Option { return func(c *config) { c.labels = l } }

// Digits sets the number of decimals of ClassificationReport (default 2).
func Digits(d int) Option { return func(c *config) { c.digits = d } }

// TargetNames names the classes in ClassificationReport, in label order.
func TargetNames(n ...string) Option { return func(c *config) { c.targetNames = n } }

// Scores holds per-class or averaged precision, recall and F-beta, with the support (the
// number of true samples) of each class. Averaged scores have one entry.
type Scores struct {
	Labels    []int
	Precision []float64
	Recall    []float64
	FScore    []float64
	Support   []int
}

func divide(num, den float64, zero float64) float64 {
	if den == 0 {
		return zero
	}
	return num / den
}

// PrecisionRecallFScoreSupport computes precision, recall and F-beta (beta set by the beta
// argument) like scikit-learn's precision_recall_fscore_support.
func PrecisionRecallFScoreSupport(yTrue, yPred *tensor.Tensor, beta float64, opts ...Option) (Scores, error) {
	a, b, err := pair(yTrue, yPred)
	if err != nil {
		return Scores{}, err
	}
	c := build(opts)
	c.beta = beta
	return prfs(a, b, c)
}

func prfs(yTrue, yPred []int, c config) (Scores, error) {
	if c.beta < 0 {
		return Scores{}, fmt.Errorf("metrics: beta should be >= 0 in the F-beta score")
	}
	present := uniqueLabels(yTrue, yPred)
	labels := c.labels
	switch c.average {
	case "binary":
		if len(present) > 2 {
			return Scores{}, fmt.Errorf("metrics: target is multiclass but average='binary'; choose another average setting, one of none, micro, macro, weighted")
		}
		if !slices.Contains(present, c.posLabel) && len(present) >= 2 {
			return Scores{}, fmt.Errorf("metrics: pos_label=%d is not a valid label: it should be one of %v", c.posLabel, present)
		}
		labels = []int{c.posLabel}
	case "micro", "macro", "weighted", "none", "":
	default:
		return Scores{}, fmt.Errorf("metrics: average has to be one of binary, micro, macro, weighted, none; got %q", c.average)
	}
	if labels == nil {
		labels = present
	}
	n := len(labels)
	tp, pred, truth := make([]float64, n), make([]float64, n), make([]float64, n)
	index := map[int]int{}
	for i, l := range labels {
		index[l] = i
	}
	for k := range yTrue {
		it, okT := index[yTrue[k]]
		ip, okP := index[yPred[k]]
		if okT {
			truth[it]++
		}
		if okP {
			pred[ip]++
		}
		if okT && okP && it == ip {
			tp[it]++
		}
	}
	support := make([]int, n)
	for i := range truth {
		support[i] = int(truth[i])
	}
	if c.average == "micro" {
		tp, pred, truth = []float64{sum(tp)}, []float64{sum(pred)}, []float64{sum(truth)}
	}
	m := len(tp)
	p, r, f := make([]float64, m), make([]float64, m), make([]float64, m)
	b2 := c.beta * c.beta
	for i := range m {
		p[i] = divide(tp[i], pred[i], c.zeroDivision)
		r[i] = divide(tp[i], truth[i], c.zeroDivision)
		if math.IsInf(c.beta, 1) {
			f[i] = r[i]
			continue
		}
		den := b2*p[i] + r[i]
		if den == 0 {
			den = 1
		}
		f[i] = (1 + b2) * p[i] * r[i] / den
	}
	s := Scores{Labels: labels, Precision: p, Recall: r, FScore: f, Support: support}
	if c.average == "none" || c.average == "" {
		return s, nil
	}
	var weights []float64
	if c.average == "weighted" {
		weights = truth
		if sum(weights) == 0 {
			z := 0.0
			if c.zeroDivision != 0 {
				z = c.zeroDivision
			}
			if sum(pred) == 0 {
				return Scores{Labels: labels, Precision: []float64{z}, Recall: []float64{z}, FScore: []float64{z}, Support: support}, nil
			}
			return Scores{Labels: labels, Precision: []float64{0}, Recall: []float64{z}, FScore: []float64{0}, Support: support}, nil
		}
	}
	return Scores{Labels: labels, Precision: []float64{mean(p, weights)}, Recall: []float64{mean(r, weights)}, FScore: []float64{mean(f, weights)}, Support: support}, nil
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func mean(v, w []float64) float64 {
	if w == nil {
		return sum(v) / float64(len(v))
	}
	s := 0.0
	for i := range v {
		s += v[i] * w[i]
	}
	return s / sum(w)
}

func single(yTrue, yPred *tensor.Tensor, beta float64, pick func(Scores) []float64, opts []Option) (float64, error) {
	c := build(opts)
	if c.average == "none" {
		return 0, fmt.Errorf("metrics: average \"none\" gives per-class scores; use PrecisionRecallFScoreSupport")
	}
	s, err := PrecisionRecallFScoreSupport(yTrue, yPred, beta, opts...)
	if err != nil {
		return 0, err
	}
	return pick(s)[0], nil
}

// Precision returns tp/(tp+fp), averaged as Average says (default binary).
func Precision(yTrue, yPred *tensor.Tensor, opts ...Option) (float64, error) {
	return single(yTrue, yPred, 1, func(s Scores) []float64 { return s.Precision }, opts)
}

// Recall returns tp/(tp+fn), averaged as Average says (default binary).
func Recall(yTrue, yPred *tensor.Tensor, opts ...Option) (float64, error) {
	return single(yTrue, yPred, 1, func(s Scores) []float64 { return s.Recall }, opts)
}

// F1 returns the harmonic mean of precision and recall, averaged as Average says.
func F1(yTrue, yPred *tensor.Tensor, opts ...Option) (float64, error) {
	return single(yTrue, yPred, 1, func(s Scores) []float64 { return s.FScore }, opts)
}

// FBeta returns (1+β²)·p·r/(β²·p + r), averaged as Average says.
func FBeta(yTrue, yPred *tensor.Tensor, beta float64, opts ...Option) (float64, error) {
	return single(yTrue, yPred, beta, func(s Scores) []float64 { return s.FScore }, opts)
}

// Matrix is a confusion matrix: Counts[i][j] is the number of samples of class Labels[i]
// predicted as Labels[j].
type Matrix struct {
	Labels []int
	Counts [][]int
}

// ConfusionMatrix counts true classes (rows) against predicted classes (columns). Without
// WithLabels the classes are the sorted union of both inputs; samples whose classes are not
// listed are left out.
func ConfusionMatrix(yTrue, yPred *tensor.Tensor, opts ...Option) (*Matrix, error) {
	a, b, err := pair(yTrue, yPred)
	if err != nil {
		return nil, err
	}
	c := build(opts)
	labels := c.labels
	if labels == nil {
		labels = uniqueLabels(a, b)
	}
	m := &Matrix{Labels: labels, Counts: make([][]int, len(labels))}
	for i := range m.Counts {
		m.Counts[i] = make([]int, len(labels))
	}
	for k := range a {
		i, j := slices.Index(labels, a[k]), slices.Index(labels, b[k])
		if i >= 0 && j >= 0 {
			m.Counts[i][j]++
		}
	}
	return m, nil
}

// String prints the matrix like NumPy prints sklearn's result, with a header of labels.
func (m *Matrix) String() string {
	w := 1
	for _, row := range m.Counts {
		for _, v := range row {
			w = max(w, len(fmt.Sprint(v)))
		}
	}
	for _, l := range m.Labels {
		w = max(w, len(fmt.Sprint(l)))
	}
	var b strings.Builder
	lw := len("true\\pred")
	for _, l := range m.Labels {
		lw = max(lw, len(fmt.Sprint(l)))
	}
	fmt.Fprintf(&b, "%*s", lw, "true\\pred")
	for _, l := range m.Labels {
		fmt.Fprintf(&b, " %*d", w, l)
	}
	b.WriteString("\n")
	for i, row := range m.Counts {
		fmt.Fprintf(&b, "%*d", lw, m.Labels[i])
		for _, v := range row {
			fmt.Fprintf(&b, " %*d", w, v)
		}
		b.WriteString("\n")
	}
	return b.String()
}
