"""Fitting an ODE's parameters: differentiate through a fourth-order Runge-Kutta integrator.

    dy/dt = r y (1 - y / capacity)        (logistic growth)

``loss`` integrates from y0 with n_steps RK4 steps and compares the final
value with an observation. The gradient with respect to (r, capacity) runs
the integrator backwards; ``rate`` becomes a rate_fwd / rate_bwd pair in the
generated source.

Run it: python samples/ode.py
"""
import numpy as np

import s2s


def rate(y, r, capacity):
    return r * y * (1.0 - y / capacity)


def integrate(y0, r, capacity, t_end, n_steps):
    dt = t_end / n_steps
    y = y0
    for _ in range(n_steps):
        k1 = rate(y, r, capacity)
        k2 = rate(y + 0.5 * dt * k1, r, capacity)
        k3 = rate(y + 0.5 * dt * k2, r, capacity)
        k4 = rate(y + dt * k3, r, capacity)
        y = y + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
    return y


def loss(r, capacity, y0=0.1, t_end=5.0, n_steps=50, observed=0.8):
    y = integrate(y0, r, capacity, t_end, n_steps)
    return (y - observed) ** 2


def exact(y0, r, capacity, t):
    return capacity / (1.0 + (capacity / y0 - 1.0) * np.exp(-r * t))


if __name__ == "__main__":
    r, capacity = 0.9, 1.2
    print("y(5) by RK4 = {:.8f}, exact = {:.8f}".format(integrate(0.1, r, capacity, 5.0, 50),
                                                          exact(0.1, r, capacity, 5.0)))
    dloss = s2s.grad(loss, wrt=("r", "capacity"))
    print("loss = {:.8f}, gradient = {}".format(loss(r, capacity), dloss(r, capacity)))
    s2s.check_grad(loss, r, capacity, wrt=(0, 1))
    print("check_grad: the gradient matches central differences")
