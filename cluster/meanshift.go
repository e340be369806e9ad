package cluster

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// MeanShift is scikit-learn's MeanShift with its flat kernel. From each seed, the mean of
// the samples within distance Bandwidth (boundary included) replaces the current point until
// it moves less than 1e-3·Bandwidth or after MaxIter shifts. Converged points that saw at
// least one sample become candidate centres (equal points merge), sorted by the number of
// samples in their last window (their intensity), most first, ties by the centre's
// coordinates, largest first; a candidate within Bandwidth of a kept one is dropped. Each
// sample gets the nearest centre, or −1 when ClusterAll is false and that centre is farther
// than Bandwidth. The result is deterministic and matches scikit-learn's.
//
// Windows are k-d tree radius queries; every seed costs O(MaxIter) of them. Bandwidth 0
// estimates it with EstimateBandwidth(X, 0.3), an O(samples²) step; an estimate of 0 (every sample
// has at least ⌊0.3·samples⌋−1 exact duplicates) is an error, where scikit-learn would go on
// with a zero radius.
type MeanShift struct {
	Bandwidth float64 // window radius, in the units of X; 0 (default) estimates it
	// Seeds, when set, are the starting points [seeds, features]; otherwise every sample, or
	// the bins with BinSeeding.
	Seeds *tensor.Tensor
	// BinSeeding seeds from a grid of cell size Bandwidth: the cell centres round(x/Bandwidth)
	// (halves to even) of the cells holding at least MinBinFreq samples, in order of first
	// occurrence; all samples when every sample has its own cell.
	BinSeeding bool
	MinBinFreq int  // samples a seeding cell needs (default 1; ≥ 1)
	ClusterAll bool // label every sample, even far from all centres (default true)
	MaxIter    int  // shifts per seed (default 300; ≥ 1)

	ClusterCenters *tensor.Tensor // centres, float64 [clusters, features], by intensity
	Labels         *tensor.Tensor // centre of each sample (or −1), int64 [samples]
	NIter          int            // the most shifts any seed made
	NFeaturesIn    int            // number of features seen by Fit

	centers matrix
}

// NewMeanShift returns a MeanShift with scikit-learn's defaults.
func NewMeanShift() *MeanShift {
	return &MeanShift{MinBinFreq: 1, ClusterAll: true, MaxIter: 300}
}

// Fit clusters X [samples, features].
func (ms *MeanShift) Fit(X *tensor.Tensor) error {
	switch {
	case ms.Bandwidth < 0 || math.IsNaN(ms.Bandwidth) || math.IsInf(ms.Bandwidth, 0):
		return fmt.Errorf("meanshift: Bandwidth must be a positive number or 0 (estimate), got %g", ms.Bandwidth)
	case ms.MinBinFreq < 1:
		return fmt.Errorf("meanshift: MinBinFreq must be >= 1, got %d", ms.MinBinFreq)
	case ms.MaxIter < 1:
		return fmt.Errorf("meanshift: MaxIter must be >= 1, got %d", ms.MaxIter)
	}
	x, err := readX("meanshift", X)
	if err != nil {
		return err
	}
	bw := ms.Bandwidth
	if bw == 0 {
		bw = estimateBandwidth(x, 0.3)
		if bw == 0 {
			return fmt.Errorf("meanshift: the estimated bandwidth is 0 (too many duplicate samples): set Bandwidth")
		}
	}
	seeds, err := ms.seeds(x, bw)
	if err != nil {
		return err
	}
	cands, nIter := shiftSeeds(x, seeds, bw, ms.MaxIter)
	if len(cands) == 0 {
		return fmt.Errorf("meanshift: no sample was within bandwidth=%g of any seed: try other seeds or a larger bandwidth", bw)
	}
	ms.centers = pruneCenters(cands, x.d, bw)
	ms.NIter, ms.NFeaturesIn = nIter, x.d
	ms.ClusterCenters = ms.centers.toTensor()
	ms.Labels = labelTensor(nearestCenters(x, ms.centers, bw, ms.ClusterAll))
	return nil
}

// seeds returns the starting points.
func (ms *MeanShift) seeds(x matrix, bw float64) (matrix, error) {
	switch {
	case ms.Seeds != nil:
		s, err := readX("meanshift: Seeds", ms.Seeds)
		if err != nil {
			return matrix{}, err
		}
		if s.d != x.d {
			return matrix{}, fmt.Errorf("meanshift: Seeds have %d features, X has %d", s.d, x.d)
		}
		return s, nil
	case ms.BinSeeding:
		return binSeeds(x, bw, ms.MinBinFreq), nil
	}
	return x, nil
}

// binSeeds returns the grid points of the cells of size bw holding at least minFreq samples,
// in order of first occurrence, or x when every sample has its own cell.
func binSeeds(x matrix, bw float64, minFreq int) matrix {
	count := map[string]int{}
	var order [][]float64
	for i := range x.n {
		b := make([]float64, x.d)
		for j, v := range x.row(i) {
			b[j] = float64(float32(math.RoundToEven(v / bw))) // scikit-learn stores the cells as float32
		}
		k := floatKey(b)
		if count[k] == 0 {
			order = append(order, b)
		}
		count[k]++
	}
	out := matrix{d: x.d}
	for _, b := range order {
		if count[floatKey(b)] >= minFreq {
			out.data = append(out.data, b...)
			out.n++
		}
	}
	if out.n == x.n {
		return x
	}
	scale(out.data, bw)
	return out
}

// floatKey returns a map key for the exact values of v.
func floatKey(v []float64) string {
	b := make([]byte, 0, 8*len(v))
	for _, f := range v {
		u := math.Float64bits(f + 0) // +0 merges −0 into 0, as Python's tuple equality does
		for s := 0; s < 64; s += 8 {
			b = append(b, byte(u>>s))
		}
	}
	return string(b)
}

// candidate is a converged seed and the number of samples in its last window.
type candidate struct {
	center    []float64
	intensity int
}

// shiftSeeds runs the mean shift from every seed and returns the distinct converged points
// with a non-empty window (a later equal point overwriting the intensity, as scikit-learn's
// dictionary does) and the largest number of shifts.
func shiftSeeds(x, seeds matrix, bw float64, maxIter int) ([]candidate, int) {
	tree := newKDTree(x)
	res := make([]candidate, seeds.n)
	iters := make([]int, seeds.n)
	parallelRows(seeds.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			res[i].center, res[i].intensity, iters[i] = shiftOne(x, tree, seeds.row(i), bw, maxIter)
		}
	})
	pos := map[string]int{}
	var out []candidate
	for _, c := range res {
		if c.intensity == 0 {
			continue
		}
		k := floatKey(c.center)
		if p, ok := pos[k]; ok {
			out[p].intensity = c.intensity
			continue
		}
		pos[k] = len(out)
		out = append(out, c)
	}
	return out, slices.Max(iters)
}

// shiftOne moves seed to the mean of its window until it stops; it returns the point, the
// size of its last window and the number of shifts.
func shiftOne(x matrix, tree *kdTree, seed []float64, bw float64, maxIter int) ([]float64, int, int) {
	mean := append([]float64(nil), seed...)
	stop := 1e-3 * bw
	it, count := 0, 0
	for {
		next := make([]float64, x.d)
		count = 0
		tree.radius(mean, bw*bw, func(i int) {
			add(next, x.row(i))
			count++
		})
		if count == 0 {
			return mean, 0, it
		}
		scale(next, 1/float64(count))
		moved := math.Sqrt(sqDist(next, mean))
		mean = next
		if moved < stop || it == maxIter {
			return mean, count, it
		}
		it++
	}
}

// pruneCenters sorts the candidates by intensity then coordinates, both descending, and
// drops every candidate within bw of a kept one.
func pruneCenters(cands []candidate, d int, bw float64) matrix {
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(b.intensity, a.intensity); c != 0 {
			return c
		}
		return slices.Compare(b.center, a.center)
	})
	all := matrix{n: len(cands), d: d}
	for _, c := range cands {
		all.data = append(all.data, c.center...)
	}
	tree := newKDTree(all)
	unique := make([]bool, all.n)
	for i := range unique {
		unique[i] = true
	}
	for i := range all.n {
		if !unique[i] {
			continue
		}
		tree.radius(all.row(i), bw*bw, func(j int) { unique[j] = false })
		unique[i] = true
	}
	out := matrix{d: d}
	for i, u := range unique {
		if u {
			out.data = append(out.data, all.row(i)...)
			out.n++
		}
	}
	return out
}

// nearestCenters returns the nearest centre of each sample (ties to the lower index), or −1
// when !all and it is farther than bw.
func nearestCenters(x, centers matrix, bw float64, all bool) []int {
	labels := make([]int, x.n)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			best, bestD := 0, math.Inf(1)
			for c := range centers.n {
				if d := sqDist(x.row(i), centers.row(c)); d < bestD {
					best, bestD = c, d
				}
			}
			if !all && math.Sqrt(bestD) > bw {
				best = -1
			}
			labels[i] = best
		}
	})
	return labels
}

// Predict returns the index of the nearest fitted centre of each row of X, int64 [samples].
func (ms *MeanShift) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("meanshift: predict", X, ms.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	return labelTensor(nearestCenters(x, ms.centers, 0, true)), nil
}

// FitPredict fits X and returns Labels.
func (ms *MeanShift) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := ms.Fit(X); err != nil {
		return nil, err
	}
	return ms.Labels, nil
}

// EstimateBandwidth is scikit-learn's estimate_bandwidth over all samples: the mean over
// the samples of the distance to their k-th nearest sample, the sample itself counted
// first (distance 0), with k = max(1, ⌊samples·quantile⌋). quantile must be in [0, 1]; the
// result is in the units of X. Time is O(samples²), memory O(samples).
func EstimateBandwidth(X *tensor.Tensor, quantile float64) (float64, error) {
	if !(quantile >= 0 && quantile <= 1) {
		return 0, fmt.Errorf("estimate bandwidth: quantile must be in [0, 1], got %g", quantile)
	}
	x, err := readX("estimate bandwidth", X)
	if err != nil {
		return 0, err
	}
	return estimateBandwidth(x, quantile), nil
}

func estimateBandwidth(x matrix, quantile float64) float64 {
	k := max(1, int(float64(x.n)*quantile))
	kth := make([]float64, x.n)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			q := x.row(i)
			far := 0.0
			for _, j := range kNearest(x, q, k) {
				far = max(far, sqDist(q, x.row(j)))
			}
			kth[i] = math.Sqrt(far)
		}
	})
	return sum(kth) / float64(x.n)
}
