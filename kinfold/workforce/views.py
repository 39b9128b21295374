from django.http import HttpResponse


def units(request):
    return HttpResponse("units")


def unit_detail(request, pk):
    return HttpResponse("unit")


def worker_detail(request, pk):
    return HttpResponse("worker")
