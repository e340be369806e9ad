package features

import (
	"fmt"
	"strings"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// PolynomialFeatures is scikit-learn's PolynomialFeatures: every product of input features
// of total degree MinDegree…Degree, in scikit-learn's column order — the bias column 1
// first, then degree by degree, each degree's terms in lexicographic order of feature
// indices (combinations with replacement; without, when InteractionOnly). For inputs
// x0, x1 and degree 2: 1, x0, x1, x0², x0·x1, x1².
type PolynomialFeatures struct {
	Degree          int  // highest total degree (default 2)
	MinDegree       int  // lowest total degree of non-bias terms (default 0; scikit-learn's degree=(min, max))
	InteractionOnly bool // only products of distinct features (no x0²)
	IncludeBias     bool // add the constant column 1 first (default true)

	// Powers is the exponent of each input feature in each output column, int64
	// [outputs, features] (powers_).
	Powers          *tensor.Tensor
	NFeaturesIn     int // features seen by Fit
	NOutputFeatures int // output columns

	combos [][]int
}

// NewPolynomialFeatures returns a PolynomialFeatures with scikit-learn's defaults and the
// given degree.
func NewPolynomialFeatures(degree int) *PolynomialFeatures {
	return &PolynomialFeatures{Degree: degree, IncludeBias: true}
}

// Fit records the number of features of X [samples, features] and the output terms.
func (p *PolynomialFeatures) Fit(X *tensor.Tensor) error {
	x, err := readX("polynomial features", X, inputs.AllowNaN)
	if err != nil {
		return err
	}
	return p.fit(x.d)
}

func (p *PolynomialFeatures) fit(d int) error {
	switch {
	case p.Degree < 0 || p.MinDegree < 0:
		return fmt.Errorf("polynomial features: degrees must be ≥ 0, got MinDegree %d, Degree %d", p.MinDegree, p.Degree)
	case p.MinDegree > p.Degree:
		return fmt.Errorf("polynomial features: MinDegree %d must be ≤ Degree %d", p.MinDegree, p.Degree)
	case p.Degree == 0 && !p.IncludeBias:
		return fmt.Errorf("polynomial features: Degree 0 without IncludeBias gives no output column")
	}
	var combos [][]int
	if p.IncludeBias {
		combos = append(combos, nil)
	}
	for deg := max(1, p.MinDegree); deg <= p.Degree; deg++ {
		combos = appendCombos(combos, d, deg, p.InteractionOnly)
	}
	if len(combos) == 0 {
		return fmt.Errorf("polynomial features: no output column (MinDegree %d, Degree %d, %d features, InteractionOnly %v)", p.MinDegree, p.Degree, d, p.InteractionOnly)
	}
	powers := make([]int64, len(combos)*d)
	for i, c := range combos {
		for _, f := range c {
			powers[i*d+f]++
		}
	}
	p.combos, p.NFeaturesIn, p.NOutputFeatures = combos, d, len(combos)
	p.Powers = tensor.FromSlice(powers, len(combos), d)
	return nil
}

// appendCombos appends the index tuples of length deg over n features in lexicographic
// order: non-decreasing tuples, or strictly increasing ones when distinct.
func appendCombos(out [][]int, n, deg int, distinct bool) [][]int {
	cur := make([]int, deg)
	var rec func(pos, from int)
	rec = func(pos, from int) {
		if pos == deg {
			out = append(out, append([]int(nil), cur...))
			return
		}
		for f := from; f < n; f++ {
			cur[pos] = f
			if distinct {
				rec(pos+1, f+1)
			} else {
				rec(pos+1, f)
			}
		}
	}
	rec(0, 0)
	return out
}

// Transform returns the polynomial terms of X [samples, features], float64
// [samples, NOutputFeatures]. NaN inputs propagate to the terms that use them.
func (p *PolynomialFeatures) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("polynomial features: transform", X, p.NFeaturesIn, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	return p.transform(x), nil
}

func (p *PolynomialFeatures) transform(x matrix) *tensor.Tensor {
	out := matrix{data: make([]float64, x.n*len(p.combos)), n: x.n, d: len(p.combos)}
	for i := range x.n {
		xi, oi := x.row(i), out.row(i)
		for j, c := range p.combos {
			v := 1.0
			for _, f := range c {
				v *= xi[f]
			}
			oi[j] = v
		}
	}
	return out.toTensor()
}

// FitTransform fits on X and returns Transform(X).
func (p *PolynomialFeatures) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readX("polynomial features", X, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	if err := p.fit(x.d); err != nil {
		return nil, err
	}
	return p.transform(x), nil
}

// GetFeatureNamesOut returns the output column names: "1" for the bias, then products of
// input names joined by spaces, powers above 1 written name^k ("x0^2", "x0 x1"). inputNames
// nil means x0, x1, ….
func (p *PolynomialFeatures) GetFeatureNamesOut(inputNames []string) ([]string, error) {
	if p.NFeaturesIn == 0 {
		return nil, fmt.Errorf("polynomial features: feature names: not fitted: call Fit first")
	}
	names, err := namesOrDefault("polynomial features", inputNames, p.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(p.combos))
	for i, c := range p.combos {
		out[i] = termName(c, names)
	}
	return out, nil
}

// termName names the product of the (sorted) feature indices c.
func termName(c []int, names []string) string {
	if len(c) == 0 {
		return "1"
	}
	var parts []string
	for i := 0; i < len(c); {
		j := i
		for j < len(c) && c[j] == c[i] {
			j++
		}
		if j-i == 1 {
			parts = append(parts, names[c[i]])
		} else {
			parts = append(parts, fmt.Sprintf("%s^%d", names[c[i]], j-i))
		}
		i = j
	}
	return strings.Join(parts, " ")
}
