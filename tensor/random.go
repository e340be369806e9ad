package tensor

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Generator is a seeded source of random numbers for tensor creation and shuffling.
// The same seed always produces the same sequence. A Generator is safe for concurrent use:
// each draw of a whole tensor holds its lock, so goroutines sharing one generator get
// disjoint parts of its sequence (in an order that depends on scheduling; give each
// goroutine its own generator for reproducible concurrent runs).
type Generator struct {
	mu     sync.Mutex
	pcg    *rand.PCG
	r      *rand.Rand // draws from pcg; use only while holding mu
	locked *rand.Rand // draws from pcg, locking mu for each number
}

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	g := &Generator{pcg: rand.NewPCG(0, 0)}
	g.pcg.Seed(seed, seed^genSeedMix)
	g.r = rand.New(g.pcg)
	g.locked = rand.New(lockedSource{g})
	return g
}

const genSeedMix = 0x9e3779b97f4a7c15

// ManualSeed resets g to the start of seed's sequence, in place: layers and loaders holding
// g see the new sequence, as with torch.Generator.manual_seed.
func (g *Generator) ManualSeed(seed uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pcg.Seed(seed, seed^genSeedMix)
}

// lockedSource makes each number drawn through Generator.Rand take the generator's lock.
type lockedSource struct{ g *Generator }

func (s lockedSource) Uint64() uint64 {
	s.g.mu.Lock()
	defer s.g.mu.Unlock()
	return s.g.pcg.Uint64()
}

// Rand returns a *rand.Rand that draws from g's sequence, for code that needs math/rand
// directly; it is safe for concurrent use.
func (g *Generator) Rand() *rand.Rand { return g.locked }

// State returns the generator's state; SetState restores it, so a run can resume exactly.
func (g *Generator) State() []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	b, _ := g.pcg.MarshalBinary()
	return b
}

// SetState restores a state returned by State.
func (g *Generator) SetState(b []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.pcg.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("generator: set state: %w", err)
	}
	return nil
}

// Seed returns a fresh seed drawn from g, for deriving independent generators.
func (g *Generator) Seed() uint64 { return g.locked.Uint64() }

// draw runs f with g locked, handing it the unlocked *rand.Rand.
func (g *Generator) draw(f func(r *rand.Rand)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(g.r)
}

// Rand returns float32 values uniform on [0, 1).
func Rand(g *Generator, shape ...int) *Tensor {
	vals := make([]float32, numelOf("rand", shape))
	g.draw(func(r *rand.Rand) {
		for i := range vals {
			vals[i] = float32(r.Float64())
			for vals[i] == 1 { // rounding to float32 may reach 1
				vals[i] = float32(r.Float64())
			}
		}
	})
	return FromSlice(vals, shape...)
}

// Randn returns float32 values from the standard normal distribution.
func Randn(g *Generator, shape ...int) *Tensor {
	vals := make([]float32, numelOf("randn", shape))
	g.draw(func(r *rand.Rand) {
		for i := range vals {
			vals[i] = float32(r.NormFloat64())
		}
	})
	return FromSlice(vals, shape...)
}

// Uniform returns float32 values uniform on [low, high).
func Uniform(g *Generator, low, high float64, shape ...int) *Tensor {
	vals := make([]float32, numelOf("uniform", shape))
	g.draw(func(r *rand.Rand) {
		for i := range vals {
			vals[i] = float32(low + (high-low)*r.Float64())
		}
	})
	return FromSlice(vals, shape...)
}

// Normal returns float32 values from a normal distribution with the given mean and std.
func Normal(g *Generator, mean, std float64, shape ...int) *Tensor {
	vals := make([]float32, numelOf("normal", shape))
	g.draw(func(r *rand.Rand) {
		for i := range vals {
			vals[i] = float32(mean + std*r.NormFloat64())
		}
	})
	return FromSlice(vals, shape...)
}

// Randint returns int64 values uniform on [low, high).
func Randint(g *Generator, low, high int64, shape ...int) *Tensor {
	if high <= low {
		panic(fmt.Sprintf("randint: low >= high (%d >= %d)", low, high))
	}
	vals := make([]int64, numelOf("randint", shape))
	g.draw(func(r *rand.Rand) {
		for i := range vals {
			vals[i] = low + r.Int64N(high-low)
		}
	})
	return FromSlice(vals, shape...)
}

// Randperm returns a random permutation of 0…n-1 as int64.
func Randperm(g *Generator, n int) *Tensor {
	if n < 0 {
		panic(fmt.Sprintf("randperm: n must be non-negative, got %d", n))
	}
	vals := make([]int64, n)
	var perm []int
	g.draw(func(r *rand.Rand) { perm = r.Perm(n) })
	for i, p := range perm {
		vals[i] = int64(p)
	}
	return FromSlice(vals, n)
}

// RandLike returns uniform [0, 1) values with t's shape (float32).
func RandLike(g *Generator, t *Tensor) *Tensor {
	return Rand(g, t.layout.Shape...).To(floatOr32(t.DType()))
}

// RandnLike returns standard normal values with t's shape (float32 unless t is float64).
func RandnLike(g *Generator, t *Tensor) *Tensor {
	return Randn(g, t.layout.Shape...).To(floatOr32(t.DType()))
}

func floatOr32(d DType) DType {
	if d == Float64 {
		return Float64
	}
	return Float32
}

func numelOf(op string, shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("%s: negative dimension in shape %v", op, shape))
		}
		n *= d
	}
	return n
}
