package ensemble

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/internal/scoring"
	"github.com/ember-ml/ember/tensor"
)

// matrix is a float64 matrix stored column by column (feature-major), the layout that tree
// building reads.
type matrix struct {
	cols []float64 // cols[f*n+i] is feature f of sample i
	n, d int
}

func (m matrix) col(f int) []float64 { return m.cols[f*m.n : (f+1)*m.n] }

// readX validates X (2-D, at least one sample and feature, numeric; finite unless
// inputs.AllowNaN, which still rejects infinities) and copies it to a feature-major float64
// matrix.
func readX(op string, X *tensor.Tensor, nan inputs.NaN) (matrix, error) {
	rows, n, d, err := inputs.ReadX(op, X, nan)
	if err != nil {
		return matrix{}, err
	}
	return columns(rows, n, d), nil
}

// readFitted reads X for prediction by an estimator fitted on d features.
func readFitted(op string, X *tensor.Tensor, d int, nan inputs.NaN) (matrix, error) {
	rows, n, err := inputs.ReadFitted(op, X, d, nan)
	if err != nil {
		return matrix{}, err
	}
	return columns(rows, n, d), nil
}

// columns copies the row-major [n, d] rows into a feature-major matrix.
func columns(rows []float64, n, d int) matrix {
	m := matrix{cols: make([]float64, n*d), n: n, d: d}
	for i := range n {
		for j, v := range rows[i*d : (i+1)*d] {
			m.cols[j*n+i] = v
		}
	}
	return m
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
	m, err := readX(op, X, inputs.RejectNaN)
	if err != nil {
		return matrix32{}, err
	}
	return round32(op, m)
}

// readFitted32 reads X for prediction by a tree or forest fitted on d features.
func readFitted32(op string, X *tensor.Tensor, d int) (matrix32, error) {
	m, err := readFitted(op, X, d, inputs.RejectNaN)
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

// labels are class labels encoded as 0..k-1, with the sorted distinct values and the dtype
// Predict returns them in (int64 when y was int64, else float64).
type labels struct {
	codes   []int
	classes []float64
	isInt   bool
}

// encodeLabels reads classification targets; at least two classes are required.
func encodeLabels(op string, y *tensor.Tensor, n int) (labels, error) {
	v, err := inputs.ReadY(op, y, n)
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
	want, err := inputs.ReadY(op, y, pred.Size(0))
	if err != nil {
		return 0, err
	}
	return scoring.Accuracy(want, pred.Float64s()), nil
}

// r2Score reads y and scores predictions pred against it.
func r2Score(op string, pred, y *tensor.Tensor) (float64, error) {
	want, err := inputs.ReadY(op, y, pred.Size(0))
	if err != nil {
		return 0, err
	}
	return scoring.R2(want, pred.Float64s()), nil
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
