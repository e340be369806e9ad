package tensortest

import (
	"fmt"
	"slices"

	_ "github.com/ember-ml/ember/backend/meta" // registers the meta device
	"github.com/ember-ml/ember/tensor"
)

// MetaConforms runs f twice — on inputs, and on copies of them on the meta device — with
// gradients for the float inputs, and returns an error unless both runs agree: the same output
// shape and dtype, the meta run's output and gradients on the meta device, and gradients of
// the same shapes and dtypes. It is the conformance check that no op computes outside its
// inputs' backend: an op that allocates on the CPU regardless of its input, or that reads
// values it does not need, fails it.
func MetaConforms(f func(x []*tensor.Tensor) *tensor.Tensor, inputs ...*tensor.Tensor) error {
	cpuOut, cpuGrads, err := runOn(f, inputs, tensor.CPU)
	if err != nil {
		return fmt.Errorf("on cpu: %w", err)
	}
	metaOut, metaGrads, err := runOn(f, inputs, tensor.Meta)
	if err != nil {
		return fmt.Errorf("on meta: %w", err)
	}
	if err := sameMeta("output", cpuOut, metaOut); err != nil {
		return err
	}
	for i := range cpuGrads {
		if (cpuGrads[i] == nil) != (metaGrads[i] == nil) {
			return fmt.Errorf("gradient of input %d: present on one device only", i)
		}
		if cpuGrads[i] != nil {
			if err := sameMeta(fmt.Sprintf("gradient of input %d", i), cpuGrads[i], metaGrads[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func sameMeta(what string, c, m *tensor.Tensor) error {
	if m.Device() != tensor.Meta {
		return fmt.Errorf("%s: on %s for meta inputs", what, m.Device())
	}
	if !slices.Equal(c.Shape(), m.Shape()) || c.DType() != m.DType() {
		return fmt.Errorf("%s: %v %v on cpu, %v %v on meta", what, c.DType(), c.Shape(), m.DType(), m.Shape())
	}
	return nil
}

// runOn moves inputs to dev, makes the float ones require grad, runs f and, when its output
// needs a gradient, a backward pass with a gradient of ones; panics become errors.
func runOn(f func(x []*tensor.Tensor) *tensor.Tensor, inputs []*tensor.Tensor, dev tensor.Device) (out *tensor.Tensor, grads []*tensor.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	xs := make([]*tensor.Tensor, len(inputs))
	for i, x := range inputs {
		xs[i] = x.Detach().To(dev).Detach()
		if xs[i].DType().IsFloat() {
			xs[i].SetRequiresGrad(true)
		}
	}
	out = f(xs)
	if out.RequiresGrad() {
		out.Backward(tensor.WithGrad(tensor.OnesLike(out)))
	}
	grads = make([]*tensor.Tensor, len(xs))
	for i, x := range xs {
		grads[i] = x.Grad()
	}
	return out, grads, nil
}
