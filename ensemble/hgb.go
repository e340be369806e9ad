package ensemble

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
)

// hgbSettings are the parameters shared by the two histogram gradient boosting estimators.
type hgbSettings struct {
	LearningRate       float64
	MaxIter            int
	MaxLeafNodes       int
	MaxDepth           int
	MinSamplesLeaf     int
	L2Regularization   float64
	MaxBins            int
	EarlyStopping      string
	ValidationFraction float64
	NIterNoChange      int
	Tol                float64
	RandomState        uint64
}

// check validates the settings.
func (s hgbSettings) check(op string) error {
	switch {
	case !(s.LearningRate > 0) || math.IsInf(s.LearningRate, 0):
		return fmt.Errorf("%s: LearningRate must be > 0, got %g", op, s.LearningRate)
	case s.MaxIter < 1:
		return fmt.Errorf("%s: MaxIter must be ≥ 1, got %d", op, s.MaxIter)
	case s.MaxLeafNodes < 0 || s.MaxLeafNodes == 1:
		return fmt.Errorf("%s: MaxLeafNodes must be ≥ 2 (0: unlimited), got %d", op, s.MaxLeafNodes)
	case s.MaxDepth < 0:
		return fmt.Errorf("%s: MaxDepth must be ≥ 0 (0: unlimited), got %d", op, s.MaxDepth)
	case s.MinSamplesLeaf < 1:
		return fmt.Errorf("%s: MinSamplesLeaf must be ≥ 1, got %d", op, s.MinSamplesLeaf)
	case !(s.L2Regularization >= 0) || math.IsInf(s.L2Regularization, 0):
		return fmt.Errorf("%s: L2Regularization must be ≥ 0, got %g", op, s.L2Regularization)
	case s.MaxBins < 2 || s.MaxBins > 255:
		return fmt.Errorf("%s: MaxBins must be in [2, 255], got %d", op, s.MaxBins)
	case s.EarlyStopping != "auto" && s.EarlyStopping != "on" && s.EarlyStopping != "off":
		return fmt.Errorf("%s: EarlyStopping must be \"auto\", \"on\" or \"off\", got %q", op, s.EarlyStopping)
	case !(s.ValidationFraction > 0 && s.ValidationFraction < 1):
		return fmt.Errorf("%s: ValidationFraction must be in (0, 1), got %g", op, s.ValidationFraction)
	case s.NIterNoChange < 1:
		return fmt.Errorf("%s: NIterNoChange must be ≥ 1, got %d", op, s.NIterNoChange)
	case !(s.Tol >= 0) || math.IsInf(s.Tol, 0):
		return fmt.Errorf("%s: Tol must be ≥ 0, got %g", op, s.Tol)
	}
	return nil
}

// hgbLoss is a loss on raw predictions with k columns per sample.
type hgbLoss interface {
	// baseline returns the k constant raw predictions that minimise the loss.
	baseline(y []float64) []float64
	// gradients fills grad and hess [k][n] from raw predictions raw [n·k].
	gradients(y, raw []float64, grad, hess [][]float64)
	// loss returns the mean loss.
	loss(y, raw []float64) float64
}

// squaredLoss is scikit-learn's HalfSquaredError: ½(y − raw)².
type squaredLoss struct{}

func (squaredLoss) baseline(y []float64) []float64 { return []float64{mean(y)} }

func (squaredLoss) gradients(y, raw []float64, grad, hess [][]float64) {
	for i, t := range y {
		grad[0][i], hess[0][i] = raw[i]-t, 1
	}
}

func (squaredLoss) loss(y, raw []float64) float64 {
	s := 0.0
	for i, t := range y {
		s += 0.5 * (t - raw[i]) * (t - raw[i])
	}
	return s / float64(len(y))
}

// binomialLoss is scikit-learn's HalfBinomialLoss on codes 0/1: log(1 + e^raw) − y·raw.
type binomialLoss struct{}

func (binomialLoss) baseline(y []float64) []float64 {
	p := min(max(mean(y), epsilon), 1-epsilon)
	return []float64{math.Log(p / (1 - p))}
}

func (binomialLoss) gradients(y, raw []float64, grad, hess [][]float64) {
	for i, t := range y {
		p := expit(raw[i])
		grad[0][i], hess[0][i] = p-t, p*(1-p)
	}
}

func (binomialLoss) loss(y, raw []float64) float64 {
	s := 0.0
	for i, t := range y {
		s += log1pExp(raw[i]) - t*raw[i]
	}
	return s / float64(len(y))
}

// multinomialLoss is scikit-learn's HalfMultinomialLoss on codes 0..k−1:
// logsumexp(raw) − raw[y].
type multinomialLoss struct{ k int }

func (m multinomialLoss) baseline(y []float64) []float64 {
	out := make([]float64, m.k)
	for _, t := range y {
		out[int(t)]++
	}
	mu := 0.0
	for c := range out {
		out[c] = math.Log(min(max(out[c]/float64(len(y)), epsilon), 1-epsilon))
		mu += out[c] / float64(m.k)
	}
	for c := range out {
		out[c] -= mu
	}
	return out
}

func (m multinomialLoss) gradients(y, raw []float64, grad, hess [][]float64) {
	p := make([]float64, m.k)
	for i, t := range y {
		softmax(raw[i*m.k:(i+1)*m.k], p)
		for c := range m.k {
			target := 0.0
			if int(t) == c {
				target = 1
			}
			grad[c][i], hess[c][i] = p[c]-target, p[c]*(1-p[c])
		}
	}
}

func (m multinomialLoss) loss(y, raw []float64) float64 {
	s := 0.0
	for i, t := range y {
		r := raw[i*m.k : (i+1)*m.k]
		s += logSumExp(r) - r[int(t)]
	}
	return s / float64(len(y))
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func expit(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func log1pExp(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

func logSumExp(r []float64) float64 {
	m := slices.Max(r)
	s := 0.0
	for _, v := range r {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// softmax writes the softmax of r into p.
func softmax(r, p []float64) {
	m := slices.Max(r)
	s := 0.0
	for c, v := range r {
		p[c] = math.Exp(v - m)
		s += p[c]
	}
	for c := range p {
		p[c] /= s
	}
}

// booster is a fitted boosting model: k trees per iteration on top of constant baselines.
type booster struct {
	baseline []float64
	trees    [][]*htree // [iteration][k]
	k        int
	nFeat    int
	trainS   []float64
	validS   []float64
}

// boost fits trees to x and y (targets, or class codes as floats) under loss, holding out
// a validation split (stratified by class codes when stratify) for early stopping.
func boost(op string, s hgbSettings, x matrix, y []float64, loss hgbLoss, k int, stratify bool) (*booster, error) {
	if err := s.check(op); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(s.RandomState, 0x5eed))
	early := s.EarlyStopping == "on" || s.EarlyStopping == "auto" && x.n > 10_000
	xt, yt, xv, yv := x, y, matrix{}, []float64(nil)
	if early {
		tr, va := validationSplit(y, s.ValidationFraction, stratify, r)
		if len(tr) == 0 || len(va) == 0 {
			return nil, fmt.Errorf("%s: %d samples are too few to hold out ValidationFraction %g", op, x.n, s.ValidationFraction)
		}
		xt, yt, xv, yv = takeRows(x, tr), takeValues(y, tr), takeRows(x, va), takeValues(y, va)
	}
	bm := fitBins(xt, s.MaxBins, r)
	b := &booster{baseline: loss.baseline(yt), k: k, nFeat: x.d}
	binned := bm.transform(xt)
	gr := newGrowerShape(s, bm, binned, xt.n, x.d)
	raw := b.initRaw(xt.n)
	var rawV []float64
	var binnedV []uint8
	if early {
		rawV, binnedV = b.initRaw(xv.n), bm.transform(xv)
		b.validS = append(b.validS, -loss.loss(yv, rawV))
		b.trainS = append(b.trainS, -loss.loss(yt, raw))
	}
	grad, hess := make([][]float64, k), make([][]float64, k)
	for c := range k {
		grad[c], hess[c] = make([]float64, xt.n), make([]float64, xt.n)
	}
	col := make([]float64, xt.n)
	for range s.MaxIter {
		parallelRows(xt.n, func(lo, hi int) {
			g, h := make([][]float64, k), make([][]float64, k)
			for c := range k {
				g[c], h[c] = grad[c][lo:hi], hess[c][lo:hi]
			}
			loss.gradients(yt[lo:hi], raw[lo*k:hi*k], g, h)
		})
		iter := make([]*htree, k)
		for c := range k {
			gr.grad, gr.hess = grad[c], hess[c]
			nodes := gr.grow()
			iter[c] = newHTree(nodes, bm)
			clear(col)
			gr.leafValues(nodes, col)
			parallelRows(xt.n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					raw[i*k+c] += col[i]
				}
			})
		}
		b.trees = append(b.trees, iter)
		if !early {
			continue
		}
		for i := range xv.n {
			for c, t := range iter {
				rawV[i*k+c] += t.predictBinned(binnedV, xv.n, i, uint8(bm.missingBin()))
			}
		}
		b.validS = append(b.validS, -loss.loss(yv, rawV))
		b.trainS = append(b.trainS, -loss.loss(yt, raw))
		if shouldStop(b.validS, s.NIterNoChange, s.Tol) {
			break
		}
	}
	return b, nil
}

// newGrowerShape returns a grower for binned training data.
func newGrowerShape(s hgbSettings, bm binMapper, binned []uint8, n, d int) *grower {
	gr := &grower{p: growerParams{maxLeafNodes: s.MaxLeafNodes, maxDepth: s.MaxDepth, minSamplesLeaf: s.MinSamplesLeaf,
		l2: s.L2Regularization, shrinkage: s.LearningRate},
		bins: binned, n: n, d: d, nBins: bm.maxBins + 1,
		nonMissing: make([]int, d), hasMissing: make([]bool, d)}
	missing := uint8(bm.missingBin())
	for f := range d {
		gr.nonMissing[f] = bm.nBinsNonMissing(f)
		gr.hasMissing[f] = slices.Contains(binned[f*n:(f+1)*n], missing)
	}
	return gr
}

// shouldStop is scikit-learn's rule: stop when none of the last nIterNoChange scores beats
// the score before them by more than tol.
func shouldStop(scores []float64, nIterNoChange int, tol float64) bool {
	ref := nIterNoChange + 1
	if len(scores) < ref {
		return false
	}
	reference := scores[len(scores)-ref] + tol
	for _, v := range scores[len(scores)-ref+1:] {
		if v > reference {
			return false
		}
	}
	return true
}

// initRaw returns n rows of the baseline.
func (b *booster) initRaw(n int) []float64 {
	raw := make([]float64, n*b.k)
	for i := range n {
		copy(raw[i*b.k:(i+1)*b.k], b.baseline)
	}
	return raw
}

// raw returns the raw predictions [n·k] for x.
func (b *booster) raw(x matrix) []float64 {
	raw := b.initRaw(x.n)
	rowChunks(x.n, runtime.GOMAXPROCS(0), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			for _, iter := range b.trees {
				for c, t := range iter {
					raw[i*b.k+c] += t.predict(x, i)
				}
			}
		}
	})
	return raw
}

// validationSplit shuffles the samples and holds out ⌈fraction·n⌉ of them, in proportion
// to each class (largest remainders first) when stratify; it returns sorted train and
// validation indices.
func validationSplit(y []float64, fraction float64, stratify bool, r *rand.Rand) (train, valid []int) {
	n := len(y)
	nValid := int(math.Ceil(fraction * float64(n)))
	groups := map[float64][]int{}
	if !stratify {
		groups[0] = r.Perm(n)
	} else {
		for _, i := range r.Perm(n) {
			groups[y[i]] = append(groups[y[i]], i)
		}
	}
	keys := make([]float64, 0, len(groups))
	for key := range groups {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	take := make([]int, len(keys))
	rem := make([]float64, len(keys))
	left := nValid
	for j, key := range keys {
		exact := float64(nValid) * float64(len(groups[key])) / float64(n)
		take[j] = int(exact)
		rem[j] = exact - float64(take[j])
		left -= take[j]
	}
	order := make([]int, len(keys))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rem[a] > rem[b]:
			return -1
		case rem[a] < rem[b]:
			return 1
		}
		return 0
	})
	for _, j := range order[:left] {
		take[j]++
	}
	for j, key := range keys {
		g := groups[key]
		valid = append(valid, g[:take[j]]...)
		train = append(train, g[take[j]:]...)
	}
	slices.Sort(train)
	slices.Sort(valid)
	return train, valid
}

func takeRows(x matrix, rows []int) matrix {
	out := matrix{cols: make([]float64, len(rows)*x.d), n: len(rows), d: x.d}
	for f := range x.d {
		src, dst := x.col(f), out.col(f)
		for j, i := range rows {
			dst[j] = src[i]
		}
	}
	return out
}

func takeValues(v []float64, rows []int) []float64 {
	out := make([]float64, len(rows))
	for j, i := range rows {
		out[j] = v[i]
	}
	return out
}
