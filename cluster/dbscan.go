package cluster

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// DBSCAN is scikit-learn's DBSCAN with the euclidean metric. A sample is a core sample when
// at least MinSamples samples (itself included) lie within distance Eps (boundary
// included). Clusters grow from core samples in index order: a cluster takes every sample
// reachable through chains of core samples; a non-core sample reachable from several
// clusters joins the first one found. Other samples are noise, labelled −1. The result is
// deterministic and, given the same order of samples, identical to scikit-learn's.
//
// Neighbourhoods come from a k-d tree and are never stored: memory is O(samples), and time
// about O(samples·log samples) for low-dimensional data with small neighbourhoods.
type DBSCAN struct {
	Eps        float64 // neighbourhood radius (default 0.5; > 0)
	MinSamples int     // neighbours, self included, that make a core sample (default 5; ≥ 1)

	Labels            *tensor.Tensor // cluster of each sample, −1 for noise, int64 [samples]
	CoreSampleIndices *tensor.Tensor // indices of the core samples, ascending, int64
	Components        *tensor.Tensor // the core samples, float64 [cores, features]
}

// NewDBSCAN returns a DBSCAN with scikit-learn's defaults.
func NewDBSCAN() *DBSCAN { return &DBSCAN{Eps: 0.5, MinSamples: 5} }

// Fit clusters X [samples, features].
func (db *DBSCAN) Fit(X *tensor.Tensor) error {
	if !(db.Eps > 0) || math.IsInf(db.Eps, 0) {
		return fmt.Errorf("dbscan: Eps must be a positive number, got %g", db.Eps)
	}
	if db.MinSamples < 1 {
		return fmt.Errorf("dbscan: MinSamples must be >= 1, got %d", db.MinSamples)
	}
	x, err := readX("dbscan", X)
	if err != nil {
		return err
	}
	tree := newKDTree(x)
	r2 := db.Eps * db.Eps
	core := make([]bool, x.n)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			// Counting stops at MinSamples: that settles whether i is a core sample.
			n := 0
			tree.radiusUntil(x.row(i), r2, func(int) bool { n++; return n < db.MinSamples })
			core[i] = n >= db.MinSamples
		}
	})
	labels := expand(x, tree, r2, core)
	var cores []int
	comp := matrix{d: x.d}
	for i, c := range core {
		if c {
			cores = append(cores, i)
			comp.data = append(comp.data, x.row(i)...)
			comp.n++
		}
	}
	db.Labels = labelTensor(labels)
	db.CoreSampleIndices = labelTensor(cores)
	db.Components = tensor.FromSlice(append([]float64{}, comp.data...), comp.n, comp.d)
	return nil
}

// expand labels the clusters grown from the core samples in index order; the rest is −1.
// A sample is labelled when first reached, so the stack holds each sample at most once.
func expand(x matrix, tree *kdTree, r2 float64, core []bool) []int {
	labels := make([]int, x.n)
	for i := range labels {
		labels[i] = -1
	}
	next := 0
	var stack []int
	for start := range x.n {
		if labels[start] != -1 || !core[start] {
			continue
		}
		labels[start] = next
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !core[i] {
				continue
			}
			tree.radiusUntil(x.row(i), r2, func(j int) bool {
				if labels[j] == -1 {
					labels[j] = next
					stack = append(stack, j)
				}
				return true
			})
		}
		next++
	}
	return labels
}

// FitPredict fits X and returns Labels.
func (db *DBSCAN) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := db.Fit(X); err != nil {
		return nil, err
	}
	return db.Labels, nil
}
