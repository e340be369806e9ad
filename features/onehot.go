package features

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// OneHotEncoder is scikit-learn's OneHotEncoder with dense output (sparse_output=False)
// for numeric categories: each feature's categories are its sorted distinct training
// values, and each sample becomes one indicator column per (feature, category), features
// in order. Categories are compared as float64; NaN is not a category (an error).
type OneHotEncoder struct {
	// HandleUnknown is "error" (default: a category unseen in Fit is an error) or
	// "ignore" (its indicator columns are all 0).
	HandleUnknown string
	// Drop is "none" (default; "" too), "first" (drop each feature's first category, whose
	// samples get all-zero columns) or "if_binary" (drop the first category of features
	// with exactly two).
	Drop string

	Categories  [][]float64 // fitted categories of each feature, increasing (categories_)
	DropIdx     []int       // index of the dropped category of each feature, −1 for none (drop_idx_)
	NFeaturesIn int         // features seen by Fit

	dtype tensor.DType
}

// NewOneHotEncoder returns a OneHotEncoder with scikit-learn's defaults.
func NewOneHotEncoder() *OneHotEncoder {
	return &OneHotEncoder{HandleUnknown: "error", Drop: "none"}
}

func (e *OneHotEncoder) check() error {
	if e.HandleUnknown != "error" && e.HandleUnknown != "ignore" {
		return fmt.Errorf("one-hot encoder: HandleUnknown must be \"error\" or \"ignore\", got %q", e.HandleUnknown)
	}
	switch e.Drop {
	case "", "none", "first", "if_binary":
		return nil
	}
	return fmt.Errorf("one-hot encoder: Drop must be \"none\", \"first\" or \"if_binary\", got %q", e.Drop)
}

// Fit learns the categories of each feature of X [samples, features].
func (e *OneHotEncoder) Fit(X *tensor.Tensor) error {
	if err := e.check(); err != nil {
		return err
	}
	x, err := readX("one-hot encoder", X, inputs.RejectNaN)
	if err != nil {
		return err
	}
	e.fit(x, X.DType())
	return nil
}

func (e *OneHotEncoder) fit(x matrix, dtype tensor.DType) {
	cats := make([][]float64, x.d)
	drop := make([]int, x.d)
	for f := range x.d {
		col := make([]float64, x.n)
		for i := range x.n {
			col[i] = x.row(i)[f]
		}
		slices.Sort(col)
		cats[f] = slices.Compact(col)
		drop[f] = -1
		if e.Drop == "first" || e.Drop == "if_binary" && len(cats[f]) == 2 {
			drop[f] = 0
		}
	}
	e.Categories, e.DropIdx, e.NFeaturesIn, e.dtype = cats, drop, x.d, dtype
}

// outputs returns the number of output columns.
func (e *OneHotEncoder) outputs() int {
	n := 0
	for f, c := range e.Categories {
		n += len(c)
		if e.DropIdx[f] >= 0 {
			n--
		}
	}
	return n
}

// Transform returns the indicator columns of X [samples, features], float64
// [samples, outputs], in the order of GetFeatureNamesOut.
func (e *OneHotEncoder) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("one-hot encoder: transform", X, e.NFeaturesIn, inputs.RejectNaN)
	if err != nil {
		return nil, err
	}
	if err := e.check(); err != nil {
		return nil, err
	}
	return e.transform(x)
}

func (e *OneHotEncoder) transform(x matrix) (*tensor.Tensor, error) {
	out := matrix{data: make([]float64, x.n*e.outputs()), n: x.n, d: e.outputs()}
	offset := 0
	for f, cats := range e.Categories {
		var unknown []float64
		for i := range x.n {
			v := x.row(i)[f]
			j := sort.SearchFloat64s(cats, v)
			switch {
			case j == len(cats) || cats[j] != v:
				if !slices.Contains(unknown, v) {
					unknown = append(unknown, v)
				}
			case j != e.DropIdx[f]:
				if e.DropIdx[f] >= 0 && j > e.DropIdx[f] {
					j--
				}
				out.row(i)[offset+j] = 1
			}
		}
		if len(unknown) > 0 && e.HandleUnknown == "error" {
			return nil, fmt.Errorf("one-hot encoder: found unknown categories %v in column %d during transform", e.format(unknown), f)
		}
		offset += len(cats)
		if e.DropIdx[f] >= 0 {
			offset--
		}
	}
	return out.toTensor(), nil
}

// FitTransform fits on X and returns Transform(X).
func (e *OneHotEncoder) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	x, err := readX("one-hot encoder", X, inputs.RejectNaN)
	if err != nil {
		return nil, err
	}
	e.fit(x, X.DType())
	return e.transform(x)
}

// GetFeatureNamesOut returns "<input name>_<category>" for each output column; categories
// are written as Python writes them for the fitted dtype (int64: 3; float: 3.0, 0.5,
// 1e-05). inputNames nil means x0, x1, ….
func (e *OneHotEncoder) GetFeatureNamesOut(inputNames []string) ([]string, error) {
	if e.NFeaturesIn == 0 {
		return nil, fmt.Errorf("one-hot encoder: feature names: not fitted: call Fit first")
	}
	names, err := namesOrDefault("one-hot encoder", inputNames, e.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	var out []string
	for f, cats := range e.Categories {
		for j, c := range e.format(cats) {
			if j != e.DropIdx[f] {
				out = append(out, names[f]+"_"+c)
			}
		}
	}
	return out, nil
}

// format writes category values as Python's str does for the fitted dtype.
func (e *OneHotEncoder) format(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		switch e.dtype {
		case tensor.Int64:
			out[i] = strconv.FormatInt(int64(x), 10)
		case tensor.Float32:
			out[i] = pyFloat(x, 32)
		default:
			out[i] = pyFloat(x, 64)
		}
	}
	return out
}

// pyFloat formats v as Python's repr of a float: the shortest round-tripping digits, fixed
// notation with at least one decimal for exponents in [−4, 16), else d.ddde±XX.
func pyFloat(v float64, bits int) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, bits)
	}
	e := strconv.FormatFloat(v, 'e', -1, bits)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(v, 'f', -1, bits)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}
