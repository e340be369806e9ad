package ensemble

import (
	"math"
	"math/rand/v2"
	"slices"
)

// maxSubsample is the number of samples the bin thresholds are computed from (scikit-learn's
// subsample=2e5).
const maxSubsample = 200_000

// almostInf caps the bin thresholds, as scikit-learn's ALMOST_INF.
const almostInf = 1e300

// binMapper maps feature values to bins 0..nBins−2; NaN goes to bin missingBin = maxBins.
type binMapper struct {
	thresholds [][]float64 // increasing; value x goes to the first bin b with x ≤ thresholds[b]
	maxBins    int
}

// fitBins computes each feature's thresholds from x (a random subsample of maxSubsample
// samples when larger): midpoints between consecutive distinct values when there are at most
// maxBins of them, else the midpoint-method percentiles at 100·i/maxBins, i = 1..maxBins−1.
func fitBins(x matrix, maxBins int, r *rand.Rand) binMapper {
	rows := []int(nil)
	if x.n > maxSubsample {
		rows = r.Perm(x.n)[:maxSubsample]
	}
	bm := binMapper{thresholds: make([][]float64, x.d), maxBins: maxBins}
	parallelFeatures(x.d, x.n*x.d, func(f int) {
		col := x.col(f)
		vals := make([]float64, 0, x.n)
		if rows == nil {
			for _, v := range col {
				if !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
		} else {
			for _, i := range rows {
				if v := col[i]; !math.IsNaN(v) {
					vals = append(vals, v)
				}
			}
		}
		sortValues(vals)
		bm.thresholds[f] = binThresholds(vals, maxBins)
	})
	return bm
}

// binThresholds returns the thresholds of one feature from its sorted non-missing values.
func binThresholds(sorted []float64, maxBins int) []float64 {
	distinct := slices.Compact(slices.Clone(sorted))
	var mids []float64
	if len(distinct) <= maxBins {
		for i := 1; i < len(distinct); i++ {
			mids = append(mids, (distinct[i-1]+distinct[i])*0.5)
		}
	} else {
		// NumPy's percentile(method="midpoint") at linspace(0, 100, maxBins+1)[1:-1], with
		// its rounding: the value at an integral position, else b − (b − a)·0.5.
		step := 100 / float64(maxBins)
		for i := 1; i < maxBins; i++ {
			pos := float64(len(sorted)-1) * (float64(i) * step / 100)
			lo, hi := int(math.Floor(pos)), int(math.Ceil(pos))
			a, b := sorted[lo], sorted[hi]
			mids = append(mids, b-(b-a)*0.5)
		}
	}
	for i, m := range mids {
		mids[i] = min(m, almostInf)
	}
	return mids
}

// missingBin is the bin of NaN values.
func (bm binMapper) missingBin() int { return bm.maxBins }

// nBinsNonMissing returns the number of bins of non-missing values of feature f.
func (bm binMapper) nBinsNonMissing(f int) int { return len(bm.thresholds[f]) + 1 }

// transform bins x feature by feature: out[f*n+i] is the bin of sample i.
func (bm binMapper) transform(x matrix) []uint8 {
	out := make([]uint8, x.n*x.d)
	parallelFeatures(x.d, x.n*x.d, func(f int) {
		th := bm.thresholds[f]
		dst := out[f*x.n : (f+1)*x.n]
		for i, v := range x.col(f) {
			if math.IsNaN(v) {
				dst[i] = uint8(bm.missingBin())
				continue
			}
			b, _ := slices.BinarySearch(th, v) // first threshold ≥ v
			dst[i] = uint8(b)
		}
	})
	return out
}

// sortValues sorts non-NaN values: by radix sort when they are all float32 values (as when
// X was float32), else by pdqsort.
func sortValues(v []float64) {
	keys := make([]uint64, len(v))
	for i, x := range v {
		if float64(float32(x)) != x {
			slices.Sort(v)
			return
		}
		keys[i] = sortKey(float32(x), 0)
	}
	sortKeys(keys, make([]uint64, len(v)))
	for i, k := range keys {
		v[i] = float64(keyValue(k))
	}
}
