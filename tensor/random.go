package tensor

import (
	"fmt"
	"math/rand/v2"
)

// Generator is a seeded source of random numbers for tensor creation and shuffling.
// The same seed always produces the same sequence. A Generator is not safe for concurrent use.
type Generator struct {
	pcg *rand.PCG
	r   *rand.Rand
}

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	p := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return &Generator{pcg: p, r: rand.New(p)}
}

// Rand returns the generator's *rand.Rand, for code that needs math/rand directly.
func (g *Generator) Rand() *rand.Rand { return g.r }

// State returns the generator's state; SetState restores it, so a run can resume exactly.
func (g *Generator) State() []byte {
	b, _ := g.pcg.MarshalBinary()
	return b
}

// SetState restores a state returned by State.
func (g *Generator) SetState(b []byte) error {
	if err := g.pcg.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("generator: set state: %w", err)
	}
	return nil
}

// Seed returns a fresh seed drawn from g, for deriving independent generators.
func (g *Generator) Seed() uint64 { return g.r.Uint64() }

// Rand returns float32 values uniform on [0, 1).
func Rand(g *Generator, shape ...int) *Tensor {
	vals := make([]float32, numelOf("rand", shape))
	for i := range vals {
		vals[i] = float32(g.r.Float64())
		for vals[i] == 1 { // rounding to float32 may reach 1
			vals[i] = float32(g.r.Float64())
		}
	}
	return FromSlice(vals, shape...)
}

// Randn returns float32 values from the standard normal distribution.
func Randn(g *Generator, shape ...int) *Tensor {
	vals := make([]float32, numelOf("randn", shape))
	for i := range vals {
		vals[i] = float32(g.r.NormFloat64())
	}
	return FromSlice(vals, shape...)
}

// Uniform returns float32 values uniform on [low, high).
func Uniform(g *Generator, low, high float64, shape ...int) *Tensor {
	vals := make([]float32, numelOf("uniform", shape))
	for i := range vals {
		vals[i] = float32(low + (high-low)*g.r.Float64())
	}
	return FromSlice(vals, shape...)
}

// Normal returns float32 values from a normal distribution with the given mean and std.
func Normal(g *Generator, mean, std float64, shape ...int) *Tensor {
	vals := make([]float32, numelOf("normal", shape))
	for i := range vals {
		vals[i] = float32(mean + std*g.r.NormFloat64())
	}
	return FromSlice(vals, shape...)
}

// Randint returns int64 values uniform on [low, high).
func Randint(g *Generator, low, high int64, shape ...int) *Tensor {
	if high <= low {
		panic(fmt.Sprintf("randint: low >= high (%d >= %d)", low, high))
	}
	vals := make([]int64, numelOf("randint", shape))
	for i := range vals {
		vals[i] = low + g.r.Int64N(high-low)
	}
	return FromSlice(vals, shape...)
}

// Randperm returns a random permutation of 0…n-1 as int64.
func Randperm(g *Generator, n int) *Tensor {
	if n < 0 {
		panic(fmt.Sprintf("randperm: n must be non-negative, got %d", n))
	}
	vals := make([]int64, n)
	for i, p := range g.r.Perm(n) {
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
