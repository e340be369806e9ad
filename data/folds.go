package data

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ember-ml/ember/tensor"
)

// Fold is one train/test split: the row indices of each part.
type Fold struct {
	Train, Test []int
}

// Splitter divides n samples into folds, like scikit-learn's cross-validation iterators.
// labels holds one class label per sample; StratifiedKFold needs it, the others ignore it
// (it may be nil). The same settings give the same folds, run after run.
type Splitter interface {
	Split(n int, labels []int64) ([]Fold, error)
}

// Defaults, as in scikit-learn 1.2.
const (
	defaultKFolds       = 5
	defaultShuffleSplit = 10
	defaultRepeats      = 10
	defaultShuffleTest  = 0.1
)

// KFold splits the samples into NSplits consecutive folds (default 5), each the test part
// once, like scikit-learn's KFold: the first n mod k folds get n/k+1 samples, the others n/k.
// With Shuffle the samples are permuted first by Ember's generator seeded with Seed (the
// fold sizes are scikit-learn's, the members cannot be, since it draws from NumPy's RNG).
// Train and test indices are in increasing order.
type KFold struct {
	NSplits int
	Shuffle bool
	Seed    uint64
}

// Split returns the folds for n samples.
func (k KFold) Split(n int, _ []int64) ([]Fold, error) {
	nSplits, err := checkKFolds("k-fold", k.NSplits, n)
	if err != nil {
		return nil, err
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if k.Shuffle {
		rng := tensor.NewGenerator(k.Seed).Rand()
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	fold := make([]int, n) // fold of each sample
	start := 0
	for f := range nSplits {
		size := n / nSplits
		if f < n%nSplits {
			size++
		}
		for _, i := range idx[start : start+size] {
			fold[i] = f
		}
		start += size
	}
	return foldsFromAssignment(fold, nSplits), nil
}

func checkKFolds(what string, k, n int) (int, error) {
	if k == 0 {
		k = defaultKFolds
	}
	if k < 2 {
		return 0, fmt.Errorf("data: %s needs at least 2 splits, got %d", what, k)
	}
	if k > n {
		return 0, fmt.Errorf("data: %s: cannot have %d splits with only %d samples", what, k, n)
	}
	return k, nil
}

// foldsFromAssignment returns, for each fold f, the samples assigned to f as the test part
// and all others as the train part, both in increasing order.
func foldsFromAssignment(fold []int, k int) []Fold {
	out := make([]Fold, k)
	for f := range out {
		out[f].Train = make([]int, 0, len(fold))
	}
	for i, f := range fold {
		for g := range out {
			if g == f {
				out[g].Test = append(out[g].Test, i)
			} else {
				out[g].Train = append(out[g].Train, i)
			}
		}
	}
	return out
}

// StratifiedKFold is KFold that keeps each class's share in every fold, with scikit-learn
// 1.2's allocation: the labels, sorted by order of first appearance, are dealt round-robin
// to the folds to decide how many of each class each fold gets, and each class's samples go
// to the folds in blocks, in data order (shuffled within the class with Shuffle). Test folds
// differ in size by at most one.
//
// A class with fewer than NSplits members cannot appear in every fold: scikit-learn warns
// and goes on; Ember returns an error unless AllowSmallClasses is set. When every class has
// fewer members than NSplits it is always an error.
type StratifiedKFold struct {
	NSplits           int
	Shuffle           bool
	Seed              uint64
	AllowSmallClasses bool
}

// Split returns the folds for n samples with the given class labels.
func (s StratifiedKFold) Split(n int, labels []int64) ([]Fold, error) {
	k, err := checkKFolds("stratified k-fold", s.NSplits, n)
	if err != nil {
		return nil, err
	}
	if labels == nil {
		return nil, fmt.Errorf("data: stratified k-fold needs a class label per sample")
	}
	if len(labels) != n {
		return nil, fmt.Errorf("data: stratified k-fold: %d labels for %d samples", len(labels), n)
	}
	// Encode classes by order of first appearance, as scikit-learn does.
	code := map[int64]int{}
	var first []int64
	enc := make([]int, n)
	for i, l := range labels {
		c, ok := code[l]
		if !ok {
			c = len(first)
			code[l] = c
			first = append(first, l)
		}
		enc[i] = c
	}
	counts := make([]int, len(first))
	for _, c := range enc {
		counts[c]++
	}
	if slices.Max(counts) < k {
		return nil, fmt.Errorf("data: stratified k-fold: %d splits cannot be greater than the number of members in each class (largest class has %d)", k, slices.Max(counts))
	}
	if m := slices.Min(counts); m < k && !s.AllowSmallClasses {
		c := first[slices.Index(counts, m)]
		return nil, fmt.Errorf("data: stratified k-fold: class %d has only %d members, fewer than the %d splits (set AllowSmallClasses to accept folds without it)", c, m, k)
	}
	// Round-robin over the sorted codes: sample j of the sorted order goes to fold j mod k.
	alloc := make([][]int, k) // alloc[f][c]: members of class c in test fold f
	for f := range alloc {
		alloc[f] = make([]int, len(counts))
	}
	j := 0
	for c, cnt := range counts {
		for range cnt {
			alloc[j%k][c]++
			j++
		}
	}
	var rng interface{ Shuffle(int, func(int, int)) }
	if s.Shuffle {
		rng = tensor.NewGenerator(s.Seed).Rand()
	}
	fold := make([]int, n)
	for c := range counts {
		var ff []int // folds_for_class: fold f repeated alloc[f][c] times
		for f := range k {
			for range alloc[f][c] {
				ff = append(ff, f)
			}
		}
		if rng != nil {
			rng.Shuffle(len(ff), func(a, b int) { ff[a], ff[b] = ff[b], ff[a] })
		}
		next := 0
		for i, e := range enc {
			if e == c {
				fold[i] = ff[next]
				next++
			}
		}
	}
	return foldsFromAssignment(fold, k), nil
}

// GroupKFold puts all samples of a group in the same test fold, with scikit-learn 1.2's
// greedy balancing: groups from largest to smallest (ties ordered as NumPy 1.24's argsort
// orders them) each go to the fold with the fewest samples so far. Groups holds a group id
// per sample; it needs at least NSplits distinct groups (default 5 splits).
type GroupKFold struct {
	NSplits int
	Groups  []int64
}

// Split returns the folds for n samples.
func (g GroupKFold) Split(n int, _ []int64) ([]Fold, error) {
	k, err := checkKFolds("group k-fold", g.NSplits, n)
	if err != nil {
		return nil, err
	}
	if len(g.Groups) != n {
		return nil, fmt.Errorf("data: group k-fold: %d group ids for %d samples", len(g.Groups), n)
	}
	uniq := slices.Clone(g.Groups)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	if k > len(uniq) {
		return nil, fmt.Errorf("data: group k-fold: cannot have %d splits with only %d groups", k, len(uniq))
	}
	inv := make([]int, n)
	size := make([]int64, len(uniq))
	for i, gr := range g.Groups {
		inv[i], _ = slices.BinarySearch(uniq, gr)
		size[inv[i]]++
	}
	order := numpyArgsort(size)
	slices.Reverse(order)
	load := make([]float64, k)
	groupFold := make([]int, len(uniq))
	for _, gi := range order {
		light := 0
		for f := range load {
			if load[f] < load[light] {
				light = f
			}
		}
		load[light] += float64(size[gi])
		groupFold[gi] = light
	}
	fold := make([]int, n)
	for i := range fold {
		fold[i] = groupFold[inv[i]]
	}
	return foldsFromAssignment(fold, k), nil
}

// numpyArgsort returns the indices that sort v, ordering equal values exactly as NumPy
// 1.24's default argsort (kind="quicksort": introsort with median-of-three pivots, insertion
// sort below 17 elements and heapsort past a depth limit), which is not stable.
func numpyArgsort(v []int64) []int {
	num := len(v)
	tosort := make([]int, num)
	for i := range tosort {
		tosort[i] = i
	}
	if num < 2 {
		return tosort
	}
	const smallQuicksort = 15 // npysort_common.h
	less := func(a, b int64) bool { return a < b }
	type span struct{ l, r, depth int }
	var stack []span
	pl, pr := 0, num-1
	cdepth := (bits.Len(uint(num)) - 1) * 2
	for {
		if cdepth < 0 {
			aheapsort(v, tosort[pl:pr+1])
		} else {
			for pr-pl > smallQuicksort {
				pm := pl + (pr-pl)>>1
				if less(v[tosort[pm]], v[tosort[pl]]) {
					tosort[pm], tosort[pl] = tosort[pl], tosort[pm]
				}
				if less(v[tosort[pr]], v[tosort[pm]]) {
					tosort[pr], tosort[pm] = tosort[pm], tosort[pr]
				}
				if less(v[tosort[pm]], v[tosort[pl]]) {
					tosort[pm], tosort[pl] = tosort[pl], tosort[pm]
				}
				vp := v[tosort[pm]]
				pi, pj := pl, pr-1
				tosort[pm], tosort[pj] = tosort[pj], tosort[pm]
				for {
					for pi++; less(v[tosort[pi]], vp); pi++ {
					}
					for pj--; less(vp, v[tosort[pj]]); pj-- {
					}
					if pi >= pj {
						break
					}
					tosort[pi], tosort[pj] = tosort[pj], tosort[pi]
				}
				pk := pr - 1
				tosort[pi], tosort[pk] = tosort[pk], tosort[pi]
				cdepth--
				if pi-pl < pr-pi {
					stack = append(stack, span{pi + 1, pr, cdepth})
					pr = pi - 1
				} else {
					stack = append(stack, span{pl, pi - 1, cdepth})
					pl = pi + 1
				}
			}
			for pi := pl + 1; pi <= pr; pi++ {
				vi := tosort[pi]
				vp := v[vi]
				pj := pi
				for pj > pl && less(vp, v[tosort[pj-1]]) {
					tosort[pj] = tosort[pj-1]
					pj--
				}
				tosort[pj] = vi
			}
		}
		if len(stack) == 0 {
			break
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pl, pr, cdepth = top.l, top.r, top.depth
	}
	return tosort
}

// aheapsort is NumPy's heapsort of the indices in a by the values v.
func aheapsort(v []int64, tosort []int) {
	n := len(tosort)
	at := func(i int) *int { return &tosort[i-1] } // one-based heap indexing
	sift := func(i, n, tmp int) {
		for j := 2 * i; j <= n; {
			if j < n && v[*at(j)] < v[*at(j + 1)] {
				j++
			}
			if v[tmp] < v[*at(j)] {
				*at(i) = *at(j)
				i = j
				j += j
			} else {
				break
			}
		}
		*at(i) = tmp
	}
	for l := n >> 1; l > 0; l-- {
		sift(l, n, *at(l))
	}
	for ; n > 1; n-- {
		tmp := *at(n)
		*at(n) = *at(1)
		sift(1, n-1, tmp)
	}
}

// ShuffleSplit draws NSplits (default 10) independent random train/test splits, like
// scikit-learn's ShuffleSplit. TestSize and TrainSize below 1 are fractions (the test part
// gets ceil(TestSize·n) rows, the train part floor(TrainSize·n)), 1 or more are row counts;
// 0 means the complement of the other part, and both 0 means TestSize 0.1. Rows come from
// Ember's generator seeded with Seed; indices are in drawn order.
type ShuffleSplit struct {
	NSplits             int
	TestSize, TrainSize float64
	Seed                uint64
}

// Split returns the splits for n samples.
func (s ShuffleSplit) Split(n int, _ []int64) ([]Fold, error) {
	nSplits := s.NSplits
	if nSplits == 0 {
		nSplits = defaultShuffleSplit
	}
	if nSplits < 1 {
		return nil, fmt.Errorf("data: shuffle split needs at least 1 split, got %d", nSplits)
	}
	if n < 2 {
		return nil, fmt.Errorf("data: shuffle split needs at least 2 samples, got %d", n)
	}
	nTrain, nTest, err := shuffleSizes(n, s.TestSize, s.TrainSize)
	if err != nil {
		return nil, err
	}
	rng := tensor.NewGenerator(s.Seed).Rand()
	out := make([]Fold, nSplits)
	for i := range out {
		p := rng.Perm(n)
		out[i] = Fold{Train: p[nTest : nTest+nTrain], Test: p[:nTest]}
	}
	return out, nil
}

// shuffleSizes is scikit-learn's _validate_shuffle_split.
func shuffleSizes(n int, testSize, trainSize float64) (nTrain, nTest int, err error) {
	if testSize == 0 && trainSize == 0 {
		testSize = defaultShuffleTest
	}
	part := func(what string, v float64, round func(float64) float64) (int, error) {
		switch {
		case v == 0:
			return -1, nil
		case v > 0 && v < 1:
			return int(round(v * float64(n))), nil
		case v >= 1 && v == math.Trunc(v) && v < float64(n):
			return int(v), nil
		}
		return 0, fmt.Errorf("data: shuffle split: %s size %g should be a fraction in (0, 1) or a row count below the %d samples", what, v, n)
	}
	if nTest, err = part("test", testSize, math.Ceil); err != nil {
		return 0, 0, err
	}
	if nTrain, err = part("train", trainSize, math.Floor); err != nil {
		return 0, 0, err
	}
	if testSize > 0 && testSize < 1 && trainSize > 0 && trainSize < 1 && testSize+trainSize > 1 {
		return 0, 0, fmt.Errorf("data: shuffle split: test size %g and train size %g add up to more than 1", testSize, trainSize)
	}
	switch {
	case nTrain < 0:
		nTrain = n - nTest
	case nTest < 0:
		nTest = n - nTrain
	}
	if nTrain+nTest > n {
		return 0, 0, fmt.Errorf("data: shuffle split: %d train and %d test rows add up to more than the %d samples", nTrain, nTest, n)
	}
	if nTrain == 0 || nTest == 0 {
		return 0, 0, fmt.Errorf("data: shuffle split: with %d samples, test size %g and train size %g, a part would be empty", n, testSize, trainSize)
	}
	return nTrain, nTest, nil
}

// TimeSeriesSplit splits ordered samples so that every test part comes after its train part,
// like scikit-learn's TimeSeriesSplit: NSplits (default 5) test parts of TestSize rows
// (default n/(NSplits+1)) end at the last sample; each train part is every row up to Gap
// rows before its test part, or only the last MaxTrainSize of them when MaxTrainSize > 0.
type TimeSeriesSplit struct {
	NSplits, MaxTrainSize, TestSize, Gap int
}

// Split returns the folds for n samples.
func (s TimeSeriesSplit) Split(n int, _ []int64) ([]Fold, error) {
	k := s.NSplits
	if k == 0 {
		k = defaultKFolds
	}
	if k < 2 {
		return nil, fmt.Errorf("data: time series split needs at least 2 splits, got %d", k)
	}
	if s.MaxTrainSize < 0 || s.TestSize < 0 || s.Gap < 0 {
		return nil, fmt.Errorf("data: time series split: max train size %d, test size %d and gap %d must not be negative", s.MaxTrainSize, s.TestSize, s.Gap)
	}
	if k+1 > n {
		return nil, fmt.Errorf("data: time series split: cannot have %d folds with only %d samples", k+1, n)
	}
	test := s.TestSize
	if test == 0 {
		test = n / (k + 1)
	}
	if test > n || s.Gap > n || n-s.Gap-test*k <= 0 {
		return nil, fmt.Errorf("data: time series split: too many splits (%d) for %d samples with test size %d and gap %d", k, n, test, s.Gap)
	}
	out := make([]Fold, 0, k)
	for start := n - k*test; start < n; start += test {
		end := start - s.Gap
		lo := 0
		if s.MaxTrainSize > 0 && s.MaxTrainSize < end {
			lo = end - s.MaxTrainSize
		}
		out = append(out, Fold{Train: span(lo, end), Test: span(start, start+test)})
	}
	return out, nil
}

func span(lo, hi int) []int {
	out := make([]int, hi-lo)
	for i := range out {
		out[i] = lo + i
	}
	return out
}

// RepeatedKFold repeats shuffled KFold NRepeats times (default 10) with NSplits folds
// (default 5), each repetition drawing a new permutation from one generator seeded with
// Seed, like scikit-learn's RepeatedKFold. It returns NRepeats·NSplits folds.
type RepeatedKFold struct {
	NSplits, NRepeats int
	Seed              uint64
}

// Split returns the folds for n samples.
func (r RepeatedKFold) Split(n int, labels []int64) ([]Fold, error) {
	reps := r.NRepeats
	if reps == 0 {
		reps = defaultRepeats
	}
	if reps < 1 {
		return nil, fmt.Errorf("data: repeated k-fold needs at least 1 repetition, got %d", reps)
	}
	rng := tensor.NewGenerator(r.Seed).Rand()
	var out []Fold
	for range reps {
		f, err := KFold{NSplits: r.NSplits, Shuffle: true, Seed: rng.Uint64()}.Split(n, labels)
		if err != nil {
			return nil, err
		}
		out = append(out, f...)
	}
	return out, nil
}

// Model is what CrossValidate fits and scores: any classical estimator with Fit and Score
// (scikit-learn's default score: accuracy for classifiers, R² for regressors).
type Model interface {
	Fit(X, y *tensor.Tensor) error
	Score(X, y *tensor.Tensor) (float64, error)
}

// ScoreFunc scores a model fitted on the train part on held-out rows X, y; a nil ScoreFunc
// means the model's own Score. Higher must be better, as for scikit-learn's scorers.
type ScoreFunc func(m Model, X, y *tensor.Tensor) (float64, error)

// CVResult holds per-fold scores by scorer name, in fold order, and their mean and
// population standard deviation (NumPy's std, ddof 0, as scikit-learn reports).
type CVResult struct {
	Scores    map[string][]float64
	Mean, Std map[string]float64
	FitTime   []time.Duration // per fold: fitting and scoring
}

// String lists each scorer's mean ± standard deviation, by name: "r2 0.906 ± 0.055".
func (r *CVResult) String() string {
	names := make([]string, 0, len(r.Mean))
	for k := range r.Mean {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %.4g ± %.2g", k, r.Mean[k], r.Std[k])
	}
	return strings.Join(parts, ", ")
}

// CrossValidate fits a fresh model from build on the train part of each fold of cv and
// scores it on the test part with each scorer (nil or empty scorers: one scorer "score",
// the model's Score), like scikit-learn's cross_validate. parallel (≥ 1) folds run at once
// on goroutines, so build and the scorers must be safe to call concurrently; results do not
// depend on parallel, as long as build's models are deterministic. y gives cv its class
// labels when it holds integer values.
func CrossValidate(build func() Model, x, y *tensor.Tensor, cv Splitter, scorers map[string]ScoreFunc, parallel int) (*CVResult, error) {
	if len(scorers) == 0 {
		scorers = map[string]ScoreFunc{"score": nil}
	}
	names := make([]string, 0, len(scorers))
	for k := range scorers {
		names = append(names, k)
	}
	sort.Strings(names)
	return crossValidate(x, y, cv, parallel, names, func(train, test *TensorDataset) ([]float64, error) {
		m := build()
		if err := m.Fit(train.X, train.Y); err != nil {
			return nil, err
		}
		out := make([]float64, len(names))
		for i, name := range names {
			var err error
			if f := scorers[name]; f != nil {
				out[i], err = f(m, test.X, test.Y)
			} else {
				out[i], err = m.Score(test.X, test.Y)
			}
			if err != nil {
				return nil, fmt.Errorf("scorer %s: %w", name, err)
			}
		}
		return out, nil
	})
}

// CrossValidateFunc runs fn on the train and validation parts of each fold of cv, for
// models that are not a Model (a neural network's training loop), and reports its scores
// under the name "score". parallel is as for CrossValidate.
func CrossValidateFunc(x, y *tensor.Tensor, cv Splitter, fn func(train, val *TensorDataset) (float64, error), parallel int) (*CVResult, error) {
	return crossValidate(x, y, cv, parallel, []string{"score"}, func(train, val *TensorDataset) ([]float64, error) {
		s, err := fn(train, val)
		return []float64{s}, err
	})
}

func crossValidate(x, y *tensor.Tensor, cv Splitter, parallel int, names []string, run func(train, test *TensorDataset) ([]float64, error)) (*CVResult, error) {
	if parallel < 1 {
		return nil, fmt.Errorf("data: cross-validation: parallel must be at least 1, got %d", parallel)
	}
	ds, err := NewTensorDataset(x, y)
	if err != nil {
		return nil, err
	}
	folds, err := cv.Split(ds.Len(), classLabels(y))
	if err != nil {
		return nil, err
	}
	scores := make([][]float64, len(folds))
	times := make([]time.Duration, len(folds))
	errs := make([]error, len(folds))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, f := range folds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			start := time.Now()
			scores[i], errs[i] = run(ds.Subset(f.Train), ds.Subset(f.Test))
			times[i] = time.Since(start)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("data: cross-validation fold %d: %w", i, err)
		}
	}
	r := &CVResult{Scores: map[string][]float64{}, Mean: map[string]float64{}, Std: map[string]float64{}, FitTime: times}
	for j, name := range names {
		s := make([]float64, len(folds))
		for i := range folds {
			s[i] = scores[i][j]
		}
		r.Scores[name] = s
		r.Mean[name], r.Std[name] = meanStd(s)
	}
	return r, nil
}

// meanStd returns the mean and population standard deviation of v, summed in order.
func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

// classLabels returns y's values as class labels when y is 1-D (or [n, 1]) and holds only
// integers, and nil otherwise.
func classLabels(y *tensor.Tensor) []int64 {
	if y.Dim() > 2 || y.Dim() == 2 && y.Size(1) != 1 {
		return nil
	}
	if y.DType().IsFloat() {
		for _, v := range y.Float64s() {
			if v != math.Trunc(v) {
				return nil
			}
		}
	}
	return y.Reshape(-1).Int64s()
}
