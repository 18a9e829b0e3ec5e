"""Writes public/chime.wav, the waiting-hall board's chime: two soft sine tones (E5 then C5, as
hall chimes go), each fading out, 8-bit mono at 11025 Hz (12 KB). Run from the
repository's root: python3 tools/chime.py. Made here, never fetched from the web."""
import math
import struct
import wave

RATE = 11025
NOTES = [(659.25, 0.0, 0.55), (523.25, 0.35, 0.75)]  # frequency, start, length (seconds)
LENGTH = 1.1

samples = []
for n in range(int(RATE * LENGTH)):
    t = n / RATE
    value = 0.0
    for freq, start, length in NOTES:
        if start <= t < start + length:
            local = t - start
            envelope = min(1.0, local / 0.01) * math.exp(-4.0 * local / length)
            value += 0.35 * envelope * math.sin(2 * math.pi * freq * local)
    samples.append(int(max(-1.0, min(1.0, value)) * 127) + 128)

with wave.open("public/chime.wav", "wb") as out:
    out.setnchannels(1)
    out.setsampwidth(1)
    out.setframerate(RATE)
    out.writeframes(struct.pack(f"{len(samples)}B", *samples))
