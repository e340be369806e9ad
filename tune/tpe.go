package tune

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// TPE is the Tree-structured Parzen Estimator, Optuna's default sampler, with Optuna 3's
// defaults (independent per parameter, prior weight 1, magic clip, no endpoints):
//
//   - The first NStartupTrials (default 10) finished trials are sampled at random.
//   - Then the finished trials (complete, and pruned ones ranked after them by how far they
//     got) are split into the best γ(n) = min(⌈0.1·n⌉, 25) "below" and the rest "above".
//   - Each group gets a Parzen estimator per parameter: a truncated Gaussian on every
//     observation, with σ the larger gap to its neighbours, clipped to [range/min(100, m+1),
//     range], plus a prior N(mid-range, range); weights are 1, or a ramp from 1/n to 1 over
//     all but the newest 25 observations when there are more than 25. A Choice gets a
//     smoothed histogram instead.
//   - NEICandidates (default 24) candidates are drawn from the below estimator, and the one
//     with the largest l(x)/g(x) wins.
//
// With Parallel > 1 a trial's parameters depend on which trials finished before it started,
// so they can differ from run to run.
type TPE struct {
	NStartupTrials, NEICandidates int
}

// Sample proposes the parameters of one trial.
func (t TPE) Sample(space []Param, number int, rng *rand.Rand, done []TrialResult, dir Direction) ([]float64, error) {
	startup, cands := t.NStartupTrials, t.NEICandidates
	if startup <= 0 {
		startup = 10
	}
	if cands <= 0 {
		cands = 24
	}
	below, above := splitTrials(done, dir)
	if len(below)+len(above) < startup {
		return Random{}.Sample(space, number, rng, done, dir)
	}
	x := make([]float64, len(space))
	for i, p := range space {
		xb, xa := column(below, i), column(above, i)
		if p.kind == choiceKind {
			l, g := newCategorical(xb, len(p.Choices)), newCategorical(xa, len(p.Choices))
			best, bestScore := 0.0, math.Inf(-1)
			for k := range cands {
				c := l.sample(rng)
				if s := l.logPDF(c) - g.logPDF(c); k == 0 || s > bestScore {
					best, bestScore = c, s
				}
			}
			x[i] = best
			continue
		}
		if p.Lo == p.Hi {
			x[i] = p.Lo
			continue
		}
		lo, hi := bounds(p)
		l, g := newParzen(transformAll(p, xb), lo, hi), newParzen(transformAll(p, xa), lo, hi)
		best, bestScore := 0.0, math.Inf(-1)
		for k := range cands {
			c := untransform(p, l.sample(rng))
			if s := l.logPDF(p, c) - g.logPDF(p, c); k == 0 || s > bestScore {
				best, bestScore = c, s
			}
		}
		x[i] = best
	}
	return x, nil
}

// splitTrials ranks the complete and pruned trials as Optuna does (complete ones by value,
// then pruned ones by last step, furthest first, then by last value) and returns the best
// γ(n) and the others, each in trial order.
func splitTrials(done []TrialResult, dir Direction) (below, above []TrialResult) {
	type ranked struct {
		t          TrialResult
		step, loss float64
	}
	var r []ranked
	sign := 1.0
	if dir == Maximize {
		sign = -1
	}
	for _, t := range done {
		switch t.State {
		case Complete:
			r = append(r, ranked{t, math.Inf(-1), sign * t.Value})
		case Pruned:
			if len(t.Steps) == 0 {
				r = append(r, ranked{t, math.Inf(1), 0})
				continue
			}
			last := t.Steps[len(t.Steps)-1]
			loss := sign * last.Value
			if math.IsNaN(loss) {
				loss = math.Inf(1)
			}
			r = append(r, ranked{t, -float64(last.Step), loss})
		}
	}
	n := len(r)
	nBelow := min(int(math.Ceil(0.1*float64(n))), 25)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := r[order[a]], r[order[b]]
		if ra.step != rb.step {
			return ra.step < rb.step
		}
		return ra.loss < rb.loss
	})
	isBelow := make([]bool, n)
	for _, i := range order[:nBelow] {
		isBelow[i] = true
	}
	for i, x := range r {
		if isBelow[i] {
			below = append(below, x.t)
		} else {
			above = append(above, x.t)
		}
	}
	return below, above
}

func column(ts []TrialResult, i int) []float64 {
	out := make([]float64, len(ts))
	for k, t := range ts {
		out[k] = t.x[i]
	}
	return out
}

func transformAll(p Param, x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = transform(p, v)
	}
	return out
}

// mixtureWeights are Optuna's default_weights for n observations, then the prior's weight 1,
// normalised to sum 1.
func mixtureWeights(n int) []float64 {
	w := make([]float64, n+1)
	for i := range w {
		w[i] = 1
	}
	if n >= 25 {
		ramp := n - 25 // linspace(1/n, 1, n−25) for the oldest observations
		for i := range ramp {
			if ramp == 1 {
				w[i] = 1 / float64(n)
			} else {
				w[i] = 1/float64(n) + (1-1/float64(n))*float64(i)/float64(ramp-1)
			}
		}
	}
	sum := 0.0
	for _, v := range w {
		sum += v
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// parzen is a mixture of Gaussians truncated to [lo, hi], in the sampling space of bounds.
type parzen struct {
	w, mu, sigma []float64
	lo, hi       float64
}

func newParzen(obs []float64, lo, hi float64) parzen {
	mus := append(slices.Clone(obs), 0.5*(lo+hi))
	m := len(mus)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return mus[order[a]] < mus[order[b]] })
	ends := make([]float64, m+2) // lo, sorted mus, hi
	ends[0], ends[m+1] = lo, hi
	for k, i := range order {
		ends[k+1] = mus[i]
	}
	sorted := make([]float64, m)
	for k := range sorted {
		sorted[k] = max(ends[k+1]-ends[k], ends[k+2]-ends[k+1])
	}
	if m+2 >= 4 { // endpoints are not neighbours
		sorted[0] = ends[2] - ends[1]
		sorted[m-1] = ends[m] - ends[m-1]
	}
	sigma := make([]float64, m)
	minSigma, maxSigma := (hi-lo)/min(100, 1+float64(m)), hi-lo
	for k, i := range order {
		sigma[i] = min(max(sorted[k], minSigma), maxSigma)
	}
	sigma[m-1] = hi - lo // the prior
	return parzen{w: mixtureWeights(len(obs)), mu: mus, sigma: sigma, lo: lo, hi: hi}
}

func pick(w []float64, rng *rand.Rand) int {
	u := rng.Float64()
	for i, v := range w {
		if u < v {
			return i
		}
		u -= v
	}
	return len(w) - 1
}

// phi is the standard normal CDF.
func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// sample draws from the mixture by inverting each truncated Gaussian's CDF.
func (p parzen) sample(rng *rand.Rand) float64 {
	k := pick(p.w, rng)
	mu, s := p.mu[k], p.sigma[k]
	a, b := (p.lo-mu)/s, (p.hi-mu)/s
	flip := a > 0 // sample far right tails as mirrored left tails, where the CDF is precise
	if flip {
		a, b = -b, -a
	}
	pa, pb := phi(a), phi(b)
	z := -math.Sqrt2 * math.Erfcinv(2*(pa+rng.Float64()*(pb-pa)))
	z = min(max(z, a), b)
	if flip {
		z = -z
	}
	return min(max(mu+s*z, p.lo), p.hi)
}

// logPDF is the log density at internal value x of param; for an Int, the log probability of
// x's unit bin [x−0.5, x+0.5].
func (p parzen) logPDF(param Param, x float64) float64 {
	terms := make([]float64, len(p.w))
	for k := range p.w {
		mu, s := p.mu[k], p.sigma[k]
		logZ := math.Log(max(phi((p.hi-mu)/s)-phi((p.lo-mu)/s), 1e-300))
		if param.kind == intKind {
			ub, lb := transform(param, x+0.5), transform(param, x-0.5)
			mass := phi((ub-mu)/s) - phi((lb-mu)/s)
			terms[k] = math.Log(p.w[k]) + math.Log(max(mass, 1e-300)) - logZ
		} else {
			z := (transform(param, x) - mu) / s
			terms[k] = math.Log(p.w[k]) - math.Log(s) - 0.5*z*z - 0.5*math.Log(2*math.Pi) - logZ
		}
	}
	return logSumExp(terms)
}

func logSumExp(v []float64) float64 {
	m := slices.Max(v)
	if math.IsInf(m, -1) {
		return m
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// categorical is TPE's estimator for a Choice: one smoothed histogram per observation plus a
// uniform prior, mixed with mixtureWeights.
type categorical struct {
	w    []float64
	rows [][]float64
}

func newCategorical(obs []float64, n int) categorical {
	kernels := len(obs) + 1
	rows := make([][]float64, kernels)
	for k := range rows {
		row := make([]float64, n)
		for c := range row {
			row[c] = 1 / float64(kernels)
		}
		if k < len(obs) {
			row[int(obs[k])]++
		}
		sum := 0.0
		for _, v := range row {
			sum += v
		}
		for c := range row {
			row[c] /= sum
		}
		rows[k] = row
	}
	return categorical{w: mixtureWeights(len(obs)), rows: rows}
}

func (c categorical) sample(rng *rand.Rand) float64 {
	return float64(pick(c.rows[pick(c.w, rng)], rng))
}

func (c categorical) logPDF(x float64) float64 {
	p := 0.0
	for k, w := range c.w {
		p += w * c.rows[k][int(x)]
	}
	return math.Log(p)
}
