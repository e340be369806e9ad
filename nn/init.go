package nn

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// Option configures a layer.
type Option func(*options)

type options struct {
	gen    *tensor.Generator
	noBias bool
	dtype  tensor.DType
}

func buildOptions(opts []Option) options {
	o := options{dtype: tensor.Float32}
	for _, f := range opts {
		f(&o)
	}
	if o.gen == nil {
		o.gen = tensor.DefaultGenerator()
	}
	return o
}

// WithGenerator makes a layer draw its initial weights (or dropout masks) from g instead of
// tensor.DefaultGenerator().
func WithGenerator(g *tensor.Generator) Option { return func(o *options) { o.gen = g } }

// NoBias builds a layer without a bias, like bias=False.
func NoBias() Option { return func(o *options) { o.noBias = true } }

// WithDType sets the dtype of a layer's parameters (float32 by default).
func WithDType(d tensor.DType) Option { return func(o *options) { o.dtype = d } }

// CalculateGain returns PyTorch's recommended gain for a nonlinearity
// ("linear", "conv", "sigmoid", "tanh", "relu", "leaky_relu", "selu"); param is the
// leaky_relu slope.
func CalculateGain(nonlinearity string, param float64) float64 {
	switch nonlinearity {
	case "linear", "conv1d", "conv2d", "conv3d", "sigmoid":
		return 1
	case "tanh":
		return 5.0 / 3
	case "relu":
		return math.Sqrt2
	case "leaky_relu":
		return math.Sqrt(2 / (1 + param*param))
	case "selu":
		return 3.0 / 4
	}
	panic(fmt.Sprintf("nn: calculate gain: unsupported nonlinearity %q", nonlinearity))
}

// fans returns fan_in and fan_out of a weight of shape [out, in, k…].
func fans(shape []int) (fanIn, fanOut int) {
	if len(shape) < 2 {
		panic(fmt.Sprintf("nn: fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape %v)", shape))
	}
	recept := 1
	for _, d := range shape[2:] {
		recept *= d
	}
	return shape[1] * recept, shape[0] * recept
}

// KaimingUniform returns a weight drawn from U(-b, b) with b = gain·√(3/fan_in), where gain is
// that of leaky_relu with slope a — PyTorch's kaiming_uniform_(mode='fan_in').
func KaimingUniform(g *tensor.Generator, a float64, shape ...int) *tensor.Tensor {
	fanIn, _ := fans(shape)
	bound := CalculateGain("leaky_relu", a) * math.Sqrt(3/float64(fanIn))
	return tensor.Uniform(g, -bound, bound, shape...)
}

// XavierUniform returns a weight drawn from U(-b, b) with b = gain·√(6/(fan_in+fan_out)).
func XavierUniform(g *tensor.Generator, gain float64, shape ...int) *tensor.Tensor {
	fanIn, fanOut := fans(shape)
	bound := gain * math.Sqrt(6/float64(fanIn+fanOut))
	return tensor.Uniform(g, -bound, bound, shape...)
}

// XavierNormal returns a weight drawn from N(0, std²) with std = gain·√(2/(fan_in+fan_out)).
func XavierNormal(g *tensor.Generator, gain float64, shape ...int) *tensor.Tensor {
	fanIn, fanOut := fans(shape)
	return tensor.Normal(g, 0, gain*math.Sqrt(2/float64(fanIn+fanOut)), shape...)
}

// KaimingNormal returns a weight drawn from N(0, std²) with std = gain/√fan_in (fan_in mode).
func KaimingNormal(g *tensor.Generator, a float64, nonlinearity string, shape ...int) *tensor.Tensor {
	fanIn, _ := fans(shape)
	return tensor.Normal(g, 0, CalculateGain(nonlinearity, a)/math.Sqrt(float64(fanIn)), shape...)
}

// param turns an initial value into a trainable parameter of the requested dtype.
func param(t *tensor.Tensor, dtype tensor.DType) *tensor.Tensor {
	return t.To(dtype).Contiguous().Detach().SetRequiresGrad(true)
}
