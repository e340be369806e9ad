package cpu_test

import (
	"testing"

	"github.com/ember-ml/ember/backend"
	"github.com/ember-ml/ember/backend/backendtest"
	"github.com/ember-ml/ember/backend/cpu"
)

func TestConformance(t *testing.T) { backendtest.RunAll(t, cpu.Backend{}) }

func TestRegistered(t *testing.T) {
	b, err := backend.Get(backend.CPU)
	if err != nil || b.Device() != backend.CPU {
		t.Fatalf("cpu backend not registered: %v", err)
	}
	if _, err := backend.Get("tpu"); err == nil {
		t.Fatal("unknown device must be an error")
	}
}
