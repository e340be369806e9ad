package main

import (
	"testing"

	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/tensor"
)

// TestModelsDetectLoudChirps is a smoke test on 1,000 windows: both models must find loud
// chirps far better than chance.
func TestModelsDetectLoudChirps(t *testing.T) {
	tensor.ManualSeed(1)
	cnn, err := Fit(CNN(), 1000, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	tensor.ManualSeed(1)
	lstm, err := Fit(&LSTMClassifier{LSTM: nn.LSTM(8, 32, nn.RNNOptions{BatchFirst: true}), Head: nn.Linear(32, 2)}, 1000, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if cnn[0] < 0.8 || lstm[0] < 0.8 {
		t.Fatalf("accuracy at SNR %g: CNN %.3f, LSTM %.3f", SNRs[0], cnn[0], lstm[0])
	}
}
