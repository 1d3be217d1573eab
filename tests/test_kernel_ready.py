"""A warm kernel is taken as ready as soon as it answers and its IOPub channel delivers.

A fake client stands in for jupyter_client's: each test scripts what the kernel's channels
deliver, and checks what ``wait_until_ready`` asked of them.
"""

from queue import Empty

import pytest
from jupyter_core.utils import run_sync

from analysis.report.kernels import wait_until_ready

KERNEL_INFO_REPLY = {"msg_type": "kernel_info_reply", "content": {"protocol_version": "5.4"}}


class Channel:
    """Delivers the scripted messages in turn; ``Empty`` (the class) stands for a wait that timed out."""

    def __init__(self, deliveries):
        self.deliveries = list(deliveries)
        self.asked = 0

    async def get_msg(self, timeout=None):
        self.asked += 1
        delivery = self.deliveries.pop(0) if self.deliveries else Empty
        if delivery is Empty:
            raise Empty
        return delivery


class FakeClient:
    def __init__(self, shell, iopub, alive=True):
        self.shell_channel = Channel(shell)
        self.iopub_channel = Channel(iopub)
        self.alive = alive
        self.requests = 0
        self.handled = []

    def kernel_info(self):
        self.requests += 1

    async def is_alive(self):
        return self.alive

    def _handle_kernel_info_reply(self, reply):
        self.handled.append(reply)


def test_ready_once_iopub_delivers_without_waiting_for_it_to_go_quiet():
    client = FakeClient(shell=[KERNEL_INFO_REPLY], iopub=[{"msg_type": "status"}, {"msg_type": "status"}])
    run_sync(wait_until_ready)(client, 5)
    assert client.requests == 1
    assert client.iopub_channel.asked == 1  # jupyter_client's wait_for_ready asks again, until 0.2 s pass in quiet
    assert client.handled == [KERNEL_INFO_REPLY]


def test_asks_again_while_iopub_is_not_connected():
    client = FakeClient(shell=[KERNEL_INFO_REPLY, KERNEL_INFO_REPLY], iopub=[Empty, {"msg_type": "status"}])
    run_sync(wait_until_ready)(client, 5)
    assert client.requests == 2
    assert client.handled == [KERNEL_INFO_REPLY]


def test_a_kernel_that_dies_before_answering_is_an_error():
    client = FakeClient(shell=[Empty], iopub=[], alive=False)
    with pytest.raises(RuntimeError, match="died before replying"):
        run_sync(wait_until_ready)(client, 5)


def test_a_kernel_that_never_answers_times_out():
    client = FakeClient(shell=[Empty] * 3, iopub=[])
    with pytest.raises(RuntimeError, match="didn't respond in 0 seconds"):
        run_sync(wait_until_ready)(client, 0)
