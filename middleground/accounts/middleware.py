from middleground.accounts.models import Visitor


def visitor_middleware(get_response):
    """Give anonymous requests a Visitor, so permission helpers work the same for everyone."""

    def middleware(request):
        if not request.user.is_authenticated:
            request.user = Visitor()
        return get_response(request)

    return middleware
