package nn

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/tensor"
)

// Conv2dLayer is a 2-D convolution over [N, C, H, W] inputs, like torch.nn.Conv2d.
type Conv2dLayer struct {
	Weight *tensor.Tensor // [out, in/groups, KH, KW]
	Bias   *tensor.Tensor // [out], or nil
	in     int
	out    int
	kernel [2]int
	opts   tensor.Conv2dOptions
}

// Conv2d returns a convolution with PyTorch's default initialisation (Kaiming-uniform with
// a = √5 for the weight, U(±1/√fan_in) for the bias, fan_in = in/groups·KH·KW).
func Conv2d(in, out int, kernel [2]int, o tensor.Conv2dOptions, opts ...Option) *Conv2dLayer {
	groups := max(o.Groups, 1)
	if in <= 0 || out <= 0 || kernel[0] <= 0 || kernel[1] <= 0 || in%groups != 0 || out%groups != 0 {
		panic(fmt.Sprintf("nn: conv2d: invalid channels %d→%d, kernel %v or groups %d", in, out, kernel, groups))
	}
	c := &Conv2dLayer{in: in, out: out, kernel: kernel, opts: o}
	c.Weight, c.Bias = convParams(buildOptions(opts), out, out, in/groups, kernel[0], kernel[1])
	return c
}

// Forward convolves x [N, in, H, W].
func (c *Conv2dLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	return observe(c, c.forwardAct(x, tensor.ActNone))
}

func (c *Conv2dLayer) forwardAct(x *tensor.Tensor, act string) *tensor.Tensor {
	if x.Dim() != 4 || x.Size(1) != c.in {
		panic(fmt.Sprintf("conv2d: expected input [N, %d, H, W], got %v", c.in, x.Shape()))
	}
	return tensor.Conv2dAct(x, c.Weight, c.Bias, c.opts, act)
}

// convParams draws a convolution's weight of the given shape with Kaiming-uniform (a = √5) and,
// unless the options drop it, a bias of outChannels values from U(±1/√fan_in), where fan_in is
// the product of the weight's dims after the first (PyTorch's rule for every conv layer).
func convParams(op options, outChannels int, weightShape ...int) (w, b *tensor.Tensor) {
	w = param(KaimingUniform(op.gen, math.Sqrt(5), weightShape...), op.dtype)
	if !op.noBias {
		fanIn := 1
		for _, d := range weightShape[1:] {
			fanIn *= d
		}
		bound := 1 / math.Sqrt(float64(fanIn))
		b = param(tensor.Uniform(op.gen, -bound, bound, outChannels), op.dtype)
	}
	return w, b
}

func pair(p [2]int, def int) [2]int {
	if p == [2]int{} {
		return [2]int{def, def}
	}
	return p
}

// Describe returns PyTorch's name and extra_repr.
func (c *Conv2dLayer) Describe() (string, string) {
	s := fmt.Sprintf("%d, %d, kernel_size=(%d, %d), stride=(%d, %d)", c.in, c.out, c.kernel[0], c.kernel[1], pair(c.opts.Stride, 1)[0], pair(c.opts.Stride, 1)[1])
	if c.opts.SamePadding {
		s += ", padding=same"
	} else if c.opts.Padding != [2]int{} {
		s += fmt.Sprintf(", padding=(%d, %d)", c.opts.Padding[0], c.opts.Padding[1])
	}
	if d := pair(c.opts.Dilation, 1); d != [2]int{1, 1} {
		s += fmt.Sprintf(", dilation=(%d, %d)", d[0], d[1])
	}
	if c.opts.Groups > 1 {
		s += fmt.Sprintf(", groups=%d", c.opts.Groups)
	}
	if c.Bias == nil {
		s += ", bias=False"
	}
	return "Conv2d", s
}

// PoolLayer is MaxPool2d or AvgPool2d.
type PoolLayer struct {
	max  bool
	opts tensor.PoolOptions
}

// MaxPool2d returns max pooling with the given kernel (stride defaults to the kernel).
func MaxPool2d(o tensor.PoolOptions) *PoolLayer { return &PoolLayer{max: true, opts: o} }

// AvgPool2d returns average pooling (zero padding counted, as PyTorch's default).
func AvgPool2d(o tensor.PoolOptions) *PoolLayer { return &PoolLayer{opts: o} }

// Forward pools x [N, C, H, W].
func (p *PoolLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if p.max {
		return observe(p, x.MaxPool2d(p.opts))
	}
	return observe(p, x.AvgPool2d(p.opts))
}

// Describe returns PyTorch's name and extra_repr (square kernels print as one number).
func (p *PoolLayer) Describe() (string, string) {
	num := func(v [2]int) string {
		if v[0] == v[1] {
			return fmt.Sprint(v[0])
		}
		return fmt.Sprintf("(%d, %d)", v[0], v[1])
	}
	stride := p.opts.Stride
	if stride == [2]int{} {
		stride = p.opts.Kernel
	}
	if p.max {
		return "MaxPool2d", fmt.Sprintf("kernel_size=%s, stride=%s, padding=%s, dilation=%s, ceil_mode=False",
			num(p.opts.Kernel), num(stride), num(p.opts.Padding), num(pair(p.opts.Dilation, 1)))
	}
	return "AvgPool2d", fmt.Sprintf("kernel_size=%s, stride=%s, padding=%s", num(p.opts.Kernel), num(stride), num(p.opts.Padding))
}

// Conv1dLayer is a 1-D convolution over [N, C, L] inputs, like torch.nn.Conv1d.
type Conv1dLayer struct {
	Weight *tensor.Tensor // [out, in/groups, K]
	Bias   *tensor.Tensor
	in     int
	out    int
	kernel int
	opts   tensor.Conv1dOptions
}

// Conv1d returns a 1-D convolution with PyTorch's default initialisation.
func Conv1d(in, out, kernel int, o tensor.Conv1dOptions, opts ...Option) *Conv1dLayer {
	groups := max(o.Groups, 1)
	if in <= 0 || out <= 0 || kernel <= 0 || in%groups != 0 || out%groups != 0 {
		panic(fmt.Sprintf("nn: conv1d: invalid channels %d→%d, kernel %d or groups %d", in, out, kernel, groups))
	}
	c := &Conv1dLayer{in: in, out: out, kernel: kernel, opts: o}
	c.Weight, c.Bias = convParams(buildOptions(opts), out, out, in/groups, kernel)
	return c
}

// Forward convolves x [N, in, L].
func (c *Conv1dLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dim() != 3 || x.Size(1) != c.in {
		panic(fmt.Sprintf("conv1d: expected input [N, %d, L], got %v", c.in, x.Shape()))
	}
	return observe(c, tensor.Conv1d(x, c.Weight, c.Bias, c.opts))
}

// Describe returns PyTorch's name and extra_repr.
func (c *Conv1dLayer) Describe() (string, string) {
	padding := ""
	if c.opts.SamePadding {
		padding = "same"
	} else if c.opts.Padding != 0 {
		padding = fmt.Sprintf("(%d,)", c.opts.Padding)
	}
	return "Conv1d", conv1dRepr(c.in, c.out, c.kernel, c.opts.Stride, padding, 0, c.opts.Dilation, c.opts.Groups, c.Bias != nil)
}

// conv1dRepr is the extra_repr of PyTorch's 1-D convolutions: padding is printed as given
// (empty for none), zero strides and dilations mean 1.
func conv1dRepr(in, out, kernel, stride int, padding string, outputPadding, dilation, groups int, bias bool) string {
	s := fmt.Sprintf("%d, %d, kernel_size=(%d,), stride=(%d,)", in, out, kernel, max(stride, 1))
	if padding != "" {
		s += ", padding=" + padding
	}
	if outputPadding != 0 {
		s += fmt.Sprintf(", output_padding=(%d,)", outputPadding)
	}
	if dilation > 1 {
		s += fmt.Sprintf(", dilation=(%d,)", dilation)
	}
	if groups > 1 {
		s += fmt.Sprintf(", groups=%d", groups)
	}
	if !bias {
		s += ", bias=False"
	}
	return s
}

// Pool1dLayer is MaxPool1d or AvgPool1d (the first element of each option pair is used).
type Pool1dLayer struct {
	max  bool
	opts tensor.PoolOptions
}

// MaxPool1d returns 1-D max pooling (stride defaults to the kernel).
func MaxPool1d(kernel, stride, padding int) *Pool1dLayer {
	return &Pool1dLayer{max: true, opts: tensor.PoolOptions{Kernel: [2]int{kernel}, Stride: [2]int{stride}, Padding: [2]int{padding}}}
}

// AvgPool1d returns 1-D average pooling.
func AvgPool1d(kernel, stride, padding int) *Pool1dLayer {
	return &Pool1dLayer{opts: tensor.PoolOptions{Kernel: [2]int{kernel}, Stride: [2]int{stride}, Padding: [2]int{padding}}}
}

// Forward pools x [N, C, L].
func (p *Pool1dLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if p.max {
		return observe(p, x.MaxPool1d(p.opts))
	}
	return observe(p, x.AvgPool1d(p.opts))
}

// Describe returns PyTorch's name and extra_repr.
func (p *Pool1dLayer) Describe() (string, string) {
	k, s, pad := p.opts.Kernel[0], p.opts.Stride[0], p.opts.Padding[0]
	if s == 0 {
		s = k
	}
	if p.max {
		return "MaxPool1d", fmt.Sprintf("kernel_size=%d, stride=%d, padding=%d, dilation=1, ceil_mode=False", k, s, pad)
	}
	return "AvgPool1d", fmt.Sprintf("kernel_size=(%d,), stride=(%d,), padding=(%d,)", k, s, pad)
}

// AdaptiveAvgPoolLayer averages into a fixed output size, like nn.AdaptiveAvgPool1d/2d.
type AdaptiveAvgPoolLayer struct {
	size   [2]int
	twoDim bool
}

// AdaptiveAvgPool2d returns adaptive average pooling to oh×ow.
func AdaptiveAvgPool2d(oh, ow int) *AdaptiveAvgPoolLayer {
	return &AdaptiveAvgPoolLayer{size: [2]int{oh, ow}, twoDim: true}
}

// AdaptiveAvgPool1d returns adaptive average pooling to n positions.
func AdaptiveAvgPool1d(n int) *AdaptiveAvgPoolLayer { return &AdaptiveAvgPoolLayer{size: [2]int{n}} }

// Forward pools x.
func (a *AdaptiveAvgPoolLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if a.twoDim {
		return observe(a, x.AdaptiveAvgPool2d(a.size[0], a.size[1]))
	}
	return observe(a, x.AdaptiveAvgPool1d(a.size[0]))
}

// Describe returns PyTorch's name and extra_repr.
func (a *AdaptiveAvgPoolLayer) Describe() (string, string) {
	if a.twoDim {
		if a.size[0] == a.size[1] {
			return "AdaptiveAvgPool2d", fmt.Sprintf("output_size=%d", a.size[0])
		}
		return "AdaptiveAvgPool2d", fmt.Sprintf("output_size=(%d, %d)", a.size[0], a.size[1])
	}
	return "AdaptiveAvgPool1d", fmt.Sprintf("output_size=%d", a.size[0])
}

// ConvTranspose2dLayer is torch.nn.ConvTranspose2d.
type ConvTranspose2dLayer struct {
	Weight *tensor.Tensor // [in, out/groups, KH, KW]
	Bias   *tensor.Tensor
	in     int
	out    int
	kernel [2]int
	opts   tensor.ConvTranspose2dOptions
}

// ConvTranspose2d returns a transposed convolution with PyTorch's initialisation (its fan_in is
// out/groups·KH·KW, from the weight's second dim).
func ConvTranspose2d(in, out int, kernel [2]int, o tensor.ConvTranspose2dOptions, opts ...Option) *ConvTranspose2dLayer {
	groups := max(o.Groups, 1)
	if in <= 0 || out <= 0 || kernel[0] <= 0 || kernel[1] <= 0 || in%groups != 0 || out%groups != 0 {
		panic(fmt.Sprintf("nn: conv_transpose2d: invalid channels %d→%d, kernel %v or groups %d", in, out, kernel, groups))
	}
	c := &ConvTranspose2dLayer{in: in, out: out, kernel: kernel, opts: o}
	c.Weight, c.Bias = convParams(buildOptions(opts), out, in, out/groups, kernel[0], kernel[1])
	return c
}

// Forward applies the transposed convolution to x [N, in, H, W].
func (c *ConvTranspose2dLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dim() != 4 || x.Size(1) != c.in {
		panic(fmt.Sprintf("conv_transpose2d: expected input [N, %d, H, W], got %v", c.in, x.Shape()))
	}
	return observe(c, tensor.ConvTranspose2d(x, c.Weight, c.Bias, c.opts))
}

// Describe returns PyTorch's name and extra_repr.
func (c *ConvTranspose2dLayer) Describe() (string, string) {
	st := pair(c.opts.Stride, 1)
	s := fmt.Sprintf("%d, %d, kernel_size=(%d, %d), stride=(%d, %d)", c.in, c.out, c.kernel[0], c.kernel[1], st[0], st[1])
	if c.opts.Padding != [2]int{} {
		s += fmt.Sprintf(", padding=(%d, %d)", c.opts.Padding[0], c.opts.Padding[1])
	}
	if c.opts.OutputPadding != [2]int{} {
		s += fmt.Sprintf(", output_padding=(%d, %d)", c.opts.OutputPadding[0], c.opts.OutputPadding[1])
	}
	if d := pair(c.opts.Dilation, 1); d != [2]int{1, 1} {
		s += fmt.Sprintf(", dilation=(%d, %d)", d[0], d[1])
	}
	if c.opts.Groups > 1 {
		s += fmt.Sprintf(", groups=%d", c.opts.Groups)
	}
	if c.Bias == nil {
		s += ", bias=False"
	}
	return "ConvTranspose2d", s
}

// UpsampleLayer resizes [N, C, H, W] inputs to a fixed size, like nn.Upsample(size=…), or by
// scale factors, like nn.Upsample(scale_factor=…).
type UpsampleLayer struct {
	size  [2]int
	scale [2]float64 // used when size is zero
	mode  string
}

// Upsample returns a layer resizing to h×w ("nearest" or "bilinear" with align_corners=False).
func Upsample(h, w int, mode string) *UpsampleLayer {
	checkUpsampleMode(mode)
	if h <= 0 || w <= 0 {
		panic(fmt.Sprintf("nn: upsample: size must be positive, got %dx%d", h, w))
	}
	return &UpsampleLayer{size: [2]int{h, w}, mode: mode}
}

// UpsampleScale returns a layer resizing by the factors sh (height) and sw (width): the output
// is ⌊H·sh⌋×⌊W·sw⌋, with PyTorch's source positions for the given factors.
func UpsampleScale(sh, sw float64, mode string) *UpsampleLayer {
	checkUpsampleMode(mode)
	if !(sh > 0) || !(sw > 0) {
		panic(fmt.Sprintf("nn: upsample: scale factors must be positive, got %v and %v", sh, sw))
	}
	return &UpsampleLayer{scale: [2]float64{sh, sw}, mode: mode}
}

func checkUpsampleMode(mode string) {
	if mode != "nearest" && mode != "bilinear" {
		panic(fmt.Sprintf("nn: upsample: unknown mode %q (want nearest or bilinear)", mode))
	}
}

// Forward resizes x.
func (u *UpsampleLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if u.size == [2]int{} {
		return observe(u, x.UpsampleScale(u.scale[0], u.scale[1], u.mode))
	}
	return observe(u, x.Upsample(u.size[0], u.size[1], u.mode))
}

// Describe returns PyTorch's name and extra_repr (equal factors print as one, like a scalar
// scale_factor).
func (u *UpsampleLayer) Describe() (string, string) {
	if u.size == [2]int{} {
		if u.scale[0] == u.scale[1] {
			return "Upsample", fmt.Sprintf("scale_factor=%s, mode=%s", pyFloat(u.scale[0]), u.mode)
		}
		return "Upsample", fmt.Sprintf("scale_factor=(%s, %s), mode=%s", pyFloat(u.scale[0]), pyFloat(u.scale[1]), u.mode)
	}
	return "Upsample", fmt.Sprintf("size=(%d, %d), mode=%s", u.size[0], u.size[1], u.mode)
}

// ConvTranspose1dLayer is torch.nn.ConvTranspose1d over [N, C, L] inputs.
type ConvTranspose1dLayer struct {
	Weight *tensor.Tensor // [in, out/groups, K]
	Bias   *tensor.Tensor
	in     int
	out    int
	kernel int
	opts   tensor.ConvTranspose1dOptions
}

// ConvTranspose1d returns a 1-D transposed convolution with PyTorch's initialisation (fan_in
// out/groups·K, from the weight's second dim).
func ConvTranspose1d(in, out, kernel int, o tensor.ConvTranspose1dOptions, opts ...Option) *ConvTranspose1dLayer {
	groups := max(o.Groups, 1)
	if in <= 0 || out <= 0 || kernel <= 0 || in%groups != 0 || out%groups != 0 {
		panic(fmt.Sprintf("nn: conv_transpose1d: invalid channels %d→%d, kernel %d or groups %d", in, out, kernel, groups))
	}
	c := &ConvTranspose1dLayer{in: in, out: out, kernel: kernel, opts: o}
	c.Weight, c.Bias = convParams(buildOptions(opts), out, in, out/groups, kernel)
	return c
}

// Forward applies the transposed convolution to x [N, in, L].
func (c *ConvTranspose1dLayer) Forward(x *tensor.Tensor) *tensor.Tensor {
	if x.Dim() != 3 || x.Size(1) != c.in {
		panic(fmt.Sprintf("conv_transpose1d: expected input [N, %d, L], got %v", c.in, x.Shape()))
	}
	return observe(c, tensor.ConvTranspose1d(x, c.Weight, c.Bias, c.opts))
}

// Describe returns PyTorch's name and extra_repr.
func (c *ConvTranspose1dLayer) Describe() (string, string) {
	padding := ""
	if c.opts.Padding != 0 {
		padding = fmt.Sprintf("(%d,)", c.opts.Padding)
	}
	return "ConvTranspose1d", conv1dRepr(c.in, c.out, c.kernel, c.opts.Stride, padding, c.opts.OutputPadding, c.opts.Dilation, c.opts.Groups, c.Bias != nil)
}
