package ensemble

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

// matrix is a float64 matrix stored column by column (feature-major), the layout that tree
// building reads.
type matrix struct {
	cols []float64 // cols[f*n+i] is feature f of sample i
	n, d int
}

func (m matrix) col(f int) []float64 { return m.cols[f*m.n : (f+1)*m.n] }

// readX validates X (2-D, at least one sample and feature, numeric; finite unless allowNaN,
// which still rejects infinities) and copies it to a feature-major float64 matrix.
func readX(op string, X *tensor.Tensor, allowNaN bool) (matrix, error) {
	if X == nil {
		return matrix{}, fmt.Errorf("%s: X is nil", op)
	}
	if X.Dim() != 2 {
		return matrix{}, fmt.Errorf("%s: X must be 2-D [samples, features], got shape %v", op, X.Shape())
	}
	n, d := X.Size(0), X.Size(1)
	if n == 0 || d == 0 {
		return matrix{}, fmt.Errorf("%s: X has shape %v: need at least one sample and one feature", op, X.Shape())
	}
	if X.DType() == tensor.Bool {
		return matrix{}, fmt.Errorf("%s: X must be numeric, got bool", op)
	}
	rows := X.Float64s()
	m := matrix{cols: make([]float64, n*d), n: n, d: d}
	for i := range n {
		for j, v := range rows[i*d : (i+1)*d] {
			if math.IsInf(v, 0) || math.IsNaN(v) && !allowNaN {
				return matrix{}, fmt.Errorf("%s: X contains %g (sample %d, feature %d)", op, v, i, j)
			}
			m.cols[j*n+i] = v
		}
	}
	return m, nil
}

// readFitted reads X for prediction by an estimator fitted on d features.
func readFitted(op string, X *tensor.Tensor, d int, allowNaN bool) (matrix, error) {
	if d == 0 {
		return matrix{}, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	m, err := readX(op, X, allowNaN)
	if err != nil {
		return matrix{}, err
	}
	if m.d != d {
		return matrix{}, fmt.Errorf("%s: X has %d features, but the estimator was fitted with %d", op, m.d, d)
	}
	return m, nil
}

// matrix32 is X rounded to float32 and stored column by column: what trees split on, as
// scikit-learn's trees do (its DTYPE is float32).
type matrix32 struct {
	cols []float32 // cols[f*n+i] is feature f of sample i
	n, d int
}

func (m matrix32) col(f int) []float32 { return m.cols[f*m.n : (f+1)*m.n] }

// readX32 validates X as readX does (NaN rejected) and rounds it to float32.
func readX32(op string, X *tensor.Tensor) (matrix32, error) {
	m, err := readX(op, X, false)
	if err != nil {
		return matrix32{}, err
	}
	return round32(op, m)
}

// readFitted32 reads X for prediction by a tree or forest fitted on d features.
func readFitted32(op string, X *tensor.Tensor, d int) (matrix32, error) {
	m, err := readFitted(op, X, d, false)
	if err != nil {
		return matrix32{}, err
	}
	return round32(op, m)
}

// round32 rounds m to float32; values beyond float32's range are errors, as in
// scikit-learn.
func round32(op string, m matrix) (matrix32, error) {
	out := matrix32{cols: make([]float32, len(m.cols)), n: m.n, d: m.d}
	for i, v := range m.cols {
		out.cols[i] = float32(v)
		if math.IsInf(float64(out.cols[i]), 0) {
			return matrix32{}, fmt.Errorf("%s: X contains %g (sample %d, feature %d), too large for float32", op, v, i%m.n, i/m.n)
		}
	}
	return out, nil
}

// readY validates a 1-D target of n values (finite) and copies it to float64.
func readY(op string, y *tensor.Tensor, n int) ([]float64, error) {
	if y == nil {
		return nil, fmt.Errorf("%s: y is nil", op)
	}
	if y.Dim() != 1 {
		return nil, fmt.Errorf("%s: y must be 1-D [samples], got shape %v", op, y.Shape())
	}
	if y.Size(0) != n {
		return nil, fmt.Errorf("%s: X has %d samples but y has %d", op, n, y.Size(0))
	}
	if y.DType() == tensor.Bool {
		return nil, fmt.Errorf("%s: y must be numeric, got bool", op)
	}
	v := y.Float64s()
	for i, t := range v {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("%s: y contains %g (sample %d)", op, t, i)
		}
	}
	return v, nil
}

// labels are class labels encoded as 0..k-1, with the sorted distinct values and the dtype
// Predict returns them in (int64 when y was int64, else float64).
type labels struct {
	codes   []int
	classes []float64
	isInt   bool
}

// encodeLabels reads classification targets; at least two classes are required.
func encodeLabels(op string, y *tensor.Tensor, n int) (labels, error) {
	v, err := readY(op, y, n)
	if err != nil {
		return labels{}, err
	}
	classes := slices.Clone(v)
	slices.Sort(classes)
	classes = slices.Compact(classes)
	if len(classes) < 2 {
		return labels{}, fmt.Errorf("%s: y has one class (%g): need at least two", op, classes[0])
	}
	codes := make([]int, n)
	for i, t := range v {
		codes[i], _ = slices.BinarySearch(classes, t)
	}
	return labels{codes: codes, classes: classes, isInt: y.DType() == tensor.Int64}, nil
}

// tensor returns values (one per sample) as a tensor of the labels' dtype.
func (l labels) tensor(values []float64) *tensor.Tensor {
	if !l.isInt {
		return tensor.FromSlice(values, len(values))
	}
	out := make([]int64, len(values))
	for i, v := range values {
		out[i] = int64(v)
	}
	return tensor.FromSlice(out, len(out))
}

// argmaxLabels maps the rows of proba [n, k] to class labels (first maximum wins).
func (l labels) argmaxLabels(proba []float64, k int) *tensor.Tensor {
	n := len(proba) / k
	out := make([]float64, n)
	for i := range n {
		row := proba[i*k : (i+1)*k]
		best := 0
		for c := 1; c < k; c++ {
			if row[c] > row[best] {
				best = c
			}
		}
		out[i] = l.classes[best]
	}
	return l.tensor(out)
}

// accuracy is the fraction of predictions equal to y.
func accuracy(op string, pred, y *tensor.Tensor) (float64, error) {
	want, err := readY(op, y, pred.Size(0))
	if err != nil {
		return 0, err
	}
	hit := 0
	for i, p := range pred.Float64s() {
		if p == want[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(want)), nil
}

// r2 is scikit-learn's r2_score: 1 − SS_res/SS_tot; a constant y scores 1 when predicted
// exactly, else 0.
func r2(pred, y []float64) float64 {
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(len(y))
	res, tot := 0.0, 0.0
	for i, v := range y {
		res += (v - pred[i]) * (v - pred[i])
		tot += (v - mean) * (v - mean)
	}
	switch {
	case tot != 0:
		return 1 - res/tot
	case res == 0:
		return 1
	default:
		return 0
	}
}

// r2Score reads y and scores predictions pred against it.
func r2Score(op string, pred, y *tensor.Tensor) (float64, error) {
	want, err := readY(op, y, pred.Size(0))
	if err != nil {
		return 0, err
	}
	return r2(pred.Float64s(), want), nil
}

// maxFeatures resolves a MaxFeatures setting for d features: "" is all of them, "sqrt" and
// "log2" are ⌊√d⌋ and ⌊log₂ d⌋ (at least 1), an integer such as "3" is a count (1..d) and a
// number with a decimal point such as "0.5" or "1.0" is a fraction in (0, 1] of d, at least
// one: scikit-learn's int/float distinction.
func maxFeatures(op, s string, d int) (int, error) {
	switch s {
	case "":
		return d, nil
	case "sqrt":
		return max(1, int(math.Sqrt(float64(d)))), nil
	case "log2":
		return max(1, int(math.Log2(float64(d)))), nil
	}
	if !strings.ContainsAny(s, ".eE") {
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 || k > d {
			return 0, fmt.Errorf("%s: MaxFeatures %q: want \"\", \"sqrt\", \"log2\", an integer in [1, %d] or a fraction in (0, 1]", op, s, d)
		}
		return k, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0 && f <= 1) {
		return 0, fmt.Errorf("%s: MaxFeatures %q: want \"\", \"sqrt\", \"log2\", an integer in [1, %d] or a fraction in (0, 1]", op, s, d)
	}
	return max(1, int(f*float64(d))), nil
}
