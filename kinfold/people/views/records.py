from django.http import HttpResponse

from kinfold.access.guards import person_view


def create(request):
    return HttpResponse("create")


@person_view()
def detail(request, person):
    return HttpResponse(person.full_name)


def edit(request, pk):
    return HttpResponse("edit")


history = add_name = add_address = relationships = add_relationship = edit


def end_relationship(request, pk, rel_pk):
    return HttpResponse("end")
