package features

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// SimpleImputer is scikit-learn's SimpleImputer for missing values written as NaN: each
// feature's statistic, computed over its non-missing training values, replaces its missing
// values. Features missing in every training sample have no statistic (NaN) and are
// dropped from the output, unless the strategy is "constant" or KeepEmptyFeatures is set
// (then they are filled with FillValue, or 0).
type SimpleImputer struct {
	// Strategy is "mean" (default), "median" (the mean of the two middle values for an even
	// count), "most_frequent" (the smallest of the most frequent values) or "constant"
	// (FillValue).
	Strategy          string
	FillValue         float64 // the value of the "constant" strategy (default 0)
	KeepEmptyFeatures bool    // keep all-missing features, imputed with 0 (FillValue for "constant")

	Statistics  *tensor.Tensor // fitted value of each feature, NaN for empty ones, float64 [features] (statistics_)
	NFeaturesIn int            // features seen by Fit

	stats []float64
	keep  []int
}

// NewSimpleImputer returns a SimpleImputer with the given strategy.
func NewSimpleImputer(strategy string) *SimpleImputer { return &SimpleImputer{Strategy: strategy} }

// Fit computes the statistic of each feature of X [samples, features]; X may contain NaN
// (missing) but no infinities.
func (s *SimpleImputer) Fit(X *tensor.Tensor) error {
	x, err := readX("simple imputer", X, inputs.AllowNaN)
	if err != nil {
		return err
	}
	return s.fit(x)
}

func (s *SimpleImputer) fit(x matrix) error {
	if math.IsNaN(s.FillValue) || math.IsInf(s.FillValue, 0) {
		return fmt.Errorf("simple imputer: FillValue must be finite, got %g", s.FillValue)
	}
	stat, err := statistic(s.Strategy, s.FillValue)
	if err != nil {
		return err
	}
	stats := make([]float64, x.d)
	var keep []int
	for f := range x.d {
		var vals []float64
		for i := range x.n {
			if v := x.row(i)[f]; !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		stats[f] = stat(vals)
		if math.IsNaN(stats[f]) && s.KeepEmptyFeatures {
			stats[f] = 0
		}
		if !math.IsNaN(stats[f]) {
			keep = append(keep, f)
		}
	}
	s.stats, s.keep, s.NFeaturesIn = stats, keep, x.d
	s.Statistics = tensor.FromSlice(slices.Clone(stats), x.d)
	return nil
}

// statistic returns the function computing a strategy's value of non-missing values (NaN
// when there are none).
func statistic(strategy string, fill float64) (func([]float64) float64, error) {
	switch strategy {
	case "mean", "":
		return func(v []float64) float64 {
			if len(v) == 0 {
				return math.NaN()
			}
			s := 0.0
			for _, x := range v {
				s += x
			}
			return s / float64(len(v))
		}, nil
	case "median":
		return median, nil
	case "most_frequent":
		return mostFrequent, nil
	case "constant":
		return func([]float64) float64 { return fill }, nil
	}
	return nil, fmt.Errorf("simple imputer: Strategy must be \"mean\", \"median\", \"most_frequent\" or \"constant\", got %q", strategy)
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	h := len(v) / 2
	if len(v)%2 == 1 {
		return v[h]
	}
	return (v[h-1] + v[h]) / 2
}

// mostFrequent returns the most frequent value, the smallest on ties.
func mostFrequent(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	best, bestN := v[0], 0
	for i := 0; i < len(v); {
		j := i
		for j < len(v) && v[j] == v[i] {
			j++
		}
		if j-i > bestN {
			best, bestN = v[i], j-i
		}
		i = j
	}
	return best
}

// Transform returns X [samples, features] with each NaN replaced by its feature's
// statistic, float64 [samples, kept features].
func (s *SimpleImputer) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("simple imputer: transform", X, s.NFeaturesIn, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	return s.transform(x), nil
}

func (s *SimpleImputer) transform(x matrix) *tensor.Tensor {
	out := matrix{data: make([]float64, x.n*len(s.keep)), n: x.n, d: len(s.keep)}
	for i := range x.n {
		xi, oi := x.row(i), out.row(i)
		for j, f := range s.keep {
			oi[j] = xi[f]
			if math.IsNaN(oi[j]) {
				oi[j] = s.stats[f]
			}
		}
	}
	return out.toTensor()
}

// FitTransform fits on X and returns Transform(X).
func (s *SimpleImputer) FitTransform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readX("simple imputer", X, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	if err := s.fit(x); err != nil {
		return nil, err
	}
	return s.transform(x), nil
}
