package tune

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Sampler proposes the parameters of a trial.
type Sampler interface {
	// Sample returns one internal value per parameter of space, in order: the value of a
	// Float, the integer value of an Int, the index of a Choice. rng is seeded from the study
	// seed and the trial number; done holds the study's finished trials, in trial order.
	Sample(space []Param, number int, rng *rand.Rand, done []TrialResult, dir Direction) ([]float64, error)
}

// sizedSampler is a sampler with a finite number of distinct trials (a grid).
type sizedSampler interface {
	size(space []Param) int
}

// Random samples every parameter independently and uniformly (log-uniformly with Log), as
// Optuna's RandomSampler: an Int is drawn from [lo−0.5, hi+0.5] and rounded. A trial's
// parameters depend only on the study seed and the trial number.
type Random struct{}

// Sample draws the parameters of one trial.
func (Random) Sample(space []Param, _ int, rng *rand.Rand, _ []TrialResult, _ Direction) ([]float64, error) {
	x := make([]float64, len(space))
	for i, p := range space {
		x[i] = randomValue(p, rng)
	}
	return x, nil
}

func randomValue(p Param, rng *rand.Rand) float64 {
	if p.kind == choiceKind {
		return float64(rng.IntN(len(p.Choices)))
	}
	lo, hi := bounds(p)
	return untransform(p, lo+rng.Float64()*(hi-lo))
}

// bounds returns p's range in the space TPE and Random sample in: widened by half a step for
// an Int, and logarithmic with Log.
func bounds(p Param) (lo, hi float64) {
	lo, hi = p.Lo, p.Hi
	if p.kind == intKind {
		lo, hi = lo-0.5, hi+0.5
	}
	if p.Log {
		lo, hi = math.Log(lo), math.Log(hi)
	}
	return lo, hi
}

// transform maps an internal value into the sampling space of bounds.
func transform(p Param, x float64) float64 {
	if p.Log {
		return math.Log(x)
	}
	return x
}

// untransform maps a point of the sampling space back to an internal value in range.
func untransform(p Param, t float64) float64 {
	if p.Log {
		t = math.Exp(t)
	}
	if p.kind == intKind {
		t = math.Round(t)
	}
	return min(max(t, p.Lo), p.Hi)
}

// Grid tries every combination of parameter values, the first parameter varying slowest:
// every Choice value, every integer of an Int range with at most Points integers (else
// Points evenly spaced ones), and Points evenly spaced values of a Float range (log-spaced
// with Log). Points defaults to 5. Trial n gets combination n; a study stops when the grid
// is exhausted.
type Grid struct {
	Points int
}

func (g Grid) points() int {
	if g.Points <= 0 {
		return 5
	}
	return g.Points
}

// values returns the grid values (internal) of p.
func (g Grid) values(p Param) []float64 {
	if p.kind == choiceKind {
		v := make([]float64, len(p.Choices))
		for i := range v {
			v[i] = float64(i)
		}
		return v
	}
	n := g.points()
	if p.kind == intKind && p.Hi-p.Lo+1 <= float64(n) {
		var v []float64
		for x := p.Lo; x <= p.Hi; x++ {
			v = append(v, x)
		}
		return v
	}
	if p.Lo == p.Hi || n == 1 {
		return []float64{p.Lo}
	}
	lo, hi := p.Lo, p.Hi
	if p.Log {
		lo, hi = math.Log(lo), math.Log(hi)
	}
	var v []float64
	for i := range n {
		t := lo + (hi-lo)*float64(i)/float64(n-1)
		if i == n-1 {
			t = hi
		}
		x := untransform(p, t)
		if i == 0 {
			x = p.Lo
		} else if i == n-1 {
			x = p.Hi
		}
		if len(v) == 0 || v[len(v)-1] != x {
			v = append(v, x)
		}
	}
	return v
}

func (g Grid) size(space []Param) int {
	n := 1
	for _, p := range space {
		n *= len(g.values(p))
		if n > 1<<40 {
			return 1 << 40
		}
	}
	return n
}

// Sample returns grid combination number.
func (g Grid) Sample(space []Param, number int, _ *rand.Rand, _ []TrialResult, _ Direction) ([]float64, error) {
	if number >= g.size(space) {
		return nil, fmt.Errorf("tune: grid has %d combinations, trial %d is past its end", g.size(space), number)
	}
	x := make([]float64, len(space))
	for i := len(space) - 1; i >= 0; i-- {
		v := g.values(space[i])
		x[i] = v[number%len(v)]
		number /= len(v)
	}
	return x, nil
}
