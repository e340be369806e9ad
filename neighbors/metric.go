package neighbors

import (
	"fmt"
	"math"
)

// metric computes a rank-preserving "reduced" distance (squared euclidean, Σ|a−b|^P, …)
// and converts it to the true distance.
type metric struct {
	name string  // effective metric: "euclidean", "manhattan", "minkowski" or "cosine"
	p    float64 // exponent of "minkowski"
}

// newMetric validates a metric name and Minkowski exponent and returns the effective metric.
func newMetric(name string, p float64) (metric, error) {
	switch name {
	case "euclidean", "manhattan", "cosine":
		return metric{name: name}, nil
	case "minkowski":
		switch {
		case !(p >= 1) || math.IsInf(p, 0):
			return metric{}, fmt.Errorf("P must be a finite number ≥ 1, got %g", p)
		case p == 1:
			return metric{name: "manhattan"}, nil
		case p == 2:
			return metric{name: "euclidean"}, nil
		}
		return metric{name: "minkowski", p: p}, nil
	}
	return metric{}, fmt.Errorf("Metric must be \"euclidean\", \"manhattan\", \"minkowski\" or \"cosine\", got %q", name)
}

// rdist returns the reduced distance between a and b (cosine: the true distance).
func (m metric) rdist(a, b []float64) float64 {
	s := 0.0
	switch m.name {
	case "euclidean":
		for i := range a {
			t := a[i] - b[i]
			s += t * t
		}
	case "manhattan":
		for i := range a {
			s += math.Abs(a[i] - b[i])
		}
	case "minkowski":
		for i := range a {
			s += math.Pow(math.Abs(a[i]-b[i]), m.p)
		}
	case "cosine":
		return cosine(a, b)
	}
	return s
}

// dist converts a reduced distance to the true distance.
func (m metric) dist(r float64) float64 {
	switch m.name {
	case "euclidean":
		return math.Sqrt(max(r, 0))
	case "minkowski":
		return math.Pow(r, 1/m.p)
	}
	return r
}

// coord returns the reduced distance contributed by a gap e ≥ 0 along one coordinate.
func (m metric) coord(e float64) float64 {
	switch m.name {
	case "euclidean":
		return e * e
	case "minkowski":
		return math.Pow(e, m.p)
	}
	return e
}

// cosine is 1 − a·b/(‖a‖‖b‖) clipped to [0, 2]; a zero vector is at distance 1.
func cosine(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	if aa == 0 || bb == 0 {
		return 1
	}
	return min(max(1-ab/(math.Sqrt(aa)*math.Sqrt(bb)), 0), 2)
}
